// Language chooser at the site root: follow the browser's preferred language when it is one
// of the site's, unless the reader came back here on purpose (then the links are enough).
(function () {
  if (document.referrer && new URL(document.referrer).host === location.host) return;
  var links = document.querySelectorAll('#languages a[data-lang]');
  var wanted = navigator.languages || [navigator.language || ''];
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).toLowerCase().split('-')[0];
    for (var j = 0; j < links.length; j++) {
      if (links[j].getAttribute('data-lang') === code) { location.replace(links[j].href); return; }
    }
  }
})();
