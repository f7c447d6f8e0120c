// Language chooser at the site root: follow the browser's preferred language when it is one
// of the site's, unless the reader came back here on purpose (then the links are enough).
// A preferred `pt-BR` takes the site's `pt-br`, else its `pt`; a primary language alone is
// taken only in the same script (the browser's CLDR data says `zh-TW` is written in Hant, so
// it never lands on Simplified `zh`).
(function () {
  if (document.referrer && new URL(document.referrer).host === location.host) return;
  var links = document.querySelectorAll('#languages a[data-lang]');
  var script = function (tag) {
    try { return new Intl.Locale(tag).maximize().script || ''; } catch (e) { return ''; }
  };
  var wanted = navigator.languages || [navigator.language || ''];
  for (var i = 0; i < wanted.length; i++) {
    var tag = String(wanted[i]).toLowerCase();
    var primary = tag.split('-')[0];
    var candidates = [tag];
    if (script(primary) === script(tag)) candidates.push(primary);
    for (var c = 0; c < candidates.length; c++) {
      for (var j = 0; j < links.length; j++) {
        if (links[j].getAttribute('data-lang') === candidates[c]) { location.replace(links[j].href); return; }
      }
    }
  }
})();
