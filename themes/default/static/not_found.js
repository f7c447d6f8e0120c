// The root 404 page, which a static host serves for any missing address: send the reader to
// the 404 page of the language the address starts with (/base/fr/… → /base/fr/404.html), else
// of the browser's preferred language; with none of the site's, the page lists them all.
(function () {
  var pages = {};
  var sections = document.querySelectorAll('section[data-not-found]');
  for (var s = 0; s < sections.length; s++) {
    pages[sections[s].lang.toLowerCase()] = sections[s].getAttribute('data-not-found');
  }
  var base = document.documentElement.getAttribute('data-base');
  var path = location.pathname;
  var wanted = [path.indexOf(base) === 0 ? path.slice(base.length).split('/')[0].toLowerCase() : ''];
  // A primary language alone only in the same script (`zh-TW` is Hant: never Simplified `zh`).
  var script = function (tag) {
    try { return new Intl.Locale(tag).maximize().script || ''; } catch (e) { return ''; }
  };
  var preferred = navigator.languages || [navigator.language || ''];
  for (var i = 0; i < preferred.length; i++) {
    var tag = String(preferred[i]).toLowerCase();
    var primary = tag.split('-')[0];
    wanted.push(tag);
    if (script(primary) === script(tag)) wanted.push(primary);
  }
  for (var j = 0; j < wanted.length; j++) {
    var page = Object.prototype.hasOwnProperty.call(pages, wanted[j]) && pages[wanted[j]];
    if (page && page !== path) { location.replace(page); return; }
  }
})();
