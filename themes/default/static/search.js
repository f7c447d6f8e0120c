// aspnet-kb search page: queries the static index beside the page (see src/search/browser.rs).
// One shard per two-letter word prefix maps folded words to terms and holds their postings
// and best records; everything else is fetched only when a query needs it.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('search-data').textContent);
  var index = data.index;
  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('results');
  var more = document.getElementById('more-results');
  if (!index || !form) return;
  var FILTERS = ['theme', 'country', 'region', 'level', 'kind', 'sdg'];
  // Filters with a file of their documents and masks: a country's, an SDG target's.
  var LISTS = [['country', 'c/'], ['sdg', 'g/']];
  var cache = {};
  var records = {};
  // The plural rules of the language the result count is written in (English as a fallback).
  var plural = new Intl.PluralRules(data.strings.results.lang);

  // Words as the build cuts and folds them (src/search/analysis.rs), from the rules the
  // manifest carries: runs of letters, marks and digits; in scripts written without spaces,
  // the pairs of neighbouring characters (a lone character for itself).
  var analysis = index.analysis;
  var rules = analysis.rules;
  var SPELLED = new Map(rules.spelled_out);
  var LETTERS = new Map(rules.letters);
  var IN_WORD = /[\p{L}\p{M}\p{N}]/u;
  var GRAM = new RegExp('[' + rules.gram_scripts.map(function (s) { return '\\p{scx=' + s + '}'; }).join('') + ']', 'u');
  var SHARDS = new Set(analysis.shards);
  function classOf(c) { return !IN_WORD.test(c) ? 0 : GRAM.test(c) ? 2 : 1; }
  function fold(word) {
    return Array.from(word.toLowerCase().normalize('NFD')).map(function (c) {
      return SPELLED.has(c) ? SPELLED.get(c) : /\p{Mn}/u.test(c) ? '' : c;
    }).join('');
  }
  function foldWord(word) {
    var folded = Array.from(fold(word)).map(function (c) { return LETTERS.has(c) ? LETTERS.get(c) : c; }).join('');
    for (var i = 0; i < rules.prefixes.length; i++) {
      var prefix = rules.prefixes[i][0];
      var rest = folded.slice(prefix.length);
      if (folded.lastIndexOf(prefix, 0) === 0 && Array.from(rest).length >= rules.prefixes[i][1]) return rest;
    }
    return folded;
  }
  // A run of a script without spaces: its pairs, or the lone character, each pointing at its
  // own characters (at the whole run where NFC changed it).
  function grams(run, at, out) {
    var nfc = run.normalize('NFC');
    var chars = Array.from(nfc);
    var places = [];
    var offset = at;
    Array.from(run).forEach(function (c) { places.push([offset, offset + c.length]); offset += c.length; });
    if (nfc !== run) places = chars.map(function () { return [at, at + run.length]; });
    if (chars.length === 1) out.push({ at: places[0][0], end: places[0][1], folded: chars[0] });
    for (var i = 0; i + 1 < chars.length; i++) {
      out.push({ at: places[i][0], end: places[i + 1][1], folded: chars[i] + chars[i + 1] });
    }
  }
  // The words of a query or of a text shown, with where they lie in it.
  function words(text) {
    var out = [];
    var start = 0, open = 0, offset = 0;
    Array.from(text + ' ').forEach(function (c) {
      var kind = classOf(c);
      if (kind !== open) {
        if (open === 2) grams(text.slice(start, offset), start, out);
        else if (open === 1) {
          var folded = foldWord(text.slice(start, offset));
          if (folded) out.push({ at: start, end: offset, folded: folded });
        }
        start = offset;
        open = kind;
      }
      offset += c.length;
    });
    return out;
  }

  // Every file of the index comes through here. An offline copy (`build --offline`) has them
  // as scripts that hand over their data, since browsers refuse fetch() of file:// addresses.
  var arrived = {};
  window.aspnetKbIndex = function (path, value) { if (arrived[path]) arrived[path](value); };
  function fetchData(path) {
    if (data.offline && !cache[path]) {
      cache[path] = new Promise(function (resolve) {
        var script = document.createElement('script');
        arrived[path] = resolve;
        script.onerror = function () { resolve(null); };
        script.src = index.dir + path.replace(/\.jsz$/, '.js');
        document.head.appendChild(script);
      });
    }
    if (!cache[path]) {
      cache[path] = fetch(index.dir + path).then(function (response) {
        if (!response.ok) return null;
        return response.arrayBuffer().then(function (buffer) {
          var bytes = new Uint8Array(buffer);
          var stream = new Response(buffer).body;
          // Some hosts already decoded the gzip for us; otherwise decompress here.
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) stream = stream.pipeThrough(new DecompressionStream('gzip'));
          return new Response(stream).json();
        });
      }).catch(function () { return null; });
    }
    return cache[path];
  }
  // Which shard holds a folded word: its first two characters, the first alone in scripts
  // without spaces.
  function shardKey(folded) {
    var chars = Array.from(folded);
    return chars.slice(0, classOf(chars[0]) === 2 ? 1 : 2).join('');
  }

  // Whether b is a with at most one letter added, taken away, changed, or two neighbours
  // swapped (in characters, as the build counts them).
  function withinOneEdit(word, form) {
    var a = Array.from(word), b = Array.from(form);
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (a.length < b.length) j++;
      else if (a[i + 1] === b[j] && a[i] === b[j + 1]) { i += 2; j += 2; }
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  // The terms a typed word stands for, with a weight, by the build's rule
  // (analysis::terms_for): its own form; else the longest term of the shard the word is
  // followed by an ending of the index; else, in words of five letters or more, the forms
  // one typo away. The word being typed also stands for the longer words it begins.
  function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }
  function termsFor(word, shard, typing) {
    var found = Object.create(null);
    var w = shard.w;
    if (own(w, word)) found[w[word]] = 1;
    else {
      for (var e = 0; e < analysis.endings.length; e++) {
        var ending = analysis.endings[e];
        var stem = word.slice(0, word.length - ending.length);
        if (stem && word.slice(word.length - ending.length) === ending && own(shard.p, stem)) { found[stem] = 1; break; }
      }
    }
    if (!Object.keys(found).length && Array.from(word).length >= 5) {
      for (var t in w) if (withinOneEdit(word, t)) found[w[t]] = Math.max(found[w[t]] || 0, 0.3);
    }
    if (typing) {
      var n = 0;
      for (var s in w) {
        if (s.length > word.length && s.lastIndexOf(word, 0) === 0 && !(w[s] in found)) {
          found[w[s]] = 0.7;
          if (++n >= 30) break;
        }
      }
    }
    return found;
  }

  // Filters packed in each posting's mask (see src/search/browser.rs): kind index in bits
  // 0-2, regions from bit 3, levels from 8, thematic areas from 13.
  function maskFilter(filters) {
    var tests = [];
    if (filters.kind) {
      var kind = index.kinds.indexOf(filters.kind);
      tests.push(function (mask) { return (mask & 7) === kind; });
    }
    [['theme', index.themes, 13], ['level', index.levels, 8], ['region', index.regions, 3]]
      .forEach(function (f) {
        var value = filters[f[0]];
        if (!value) return;
        var i = f[1].indexOf(value);
        tests.push(i < 0 ? function () { return false; } : function (mask) { return (mask >> (f[2] + i)) & 1; });
      });
    return function (mask) { return tests.every(function (t) { return t(mask); }); };
  }

  function readFilters() {
    var filters = {};
    FILTERS.forEach(function (name) { filters[name] = form.elements[name].value; });
    return filters;
  }

  function keepUrlInStep(query, filters) {
    var params = new URLSearchParams();
    if (query) params.set('q', query);
    FILTERS.forEach(function (name) { if (filters[name]) params.set(name, filters[name]); });
    var search = params.toString();
    // A browser may refuse this for a file:// page; the search works without it.
    try { history.replaceState(null, '', location.pathname + (search ? '?' + search : '')); } catch (e) { /* file:// */ }
  }

  var generation = 0;
  var current = null; // the latest query's ranked documents, matched terms and shards
  function run() {
    var raw = input.value;
    var query = raw.trim();
    var filters = readFilters();
    keepUrlInStep(query, filters);
    var mine = ++generation;
    var started = performance.now();
    var typed = words(raw);
    var lists = LISTS.filter(function (l) { return filters[l[0]]; });
    if (!typed.length && !lists.length) { list.textContent = ''; status.textContent = ''; more.hidden = true; return; }
    status.textContent = data.strings.loading;
    // Only shards that exist are asked for: a word without one matches nothing.
    var keys = typed.map(function (t) { return shardKey(t.folded); });
    var needed = keys.map(function (k) { return SHARDS.has(k) ? fetchData('s/' + k + '.jsz') : Promise.resolve(null); });
    lists.forEach(function (l) { needed.push(fetchData(l[1] + filters[l[0]] + '.jsz')); });
    Promise.all(needed).then(function (loaded) {
      if (mine !== generation) return;
      var passes = maskFilter(filters);
      // The documents of every list filter (`[[docs…], [masks…]]`), those passing the others.
      var listed = null;
      loaded.slice(typed.length).forEach(function (file) {
        var docs = file ? file[0] : [], masks = file ? file[1] : [];
        var these = new Set(docs.filter(function (d, k) { return passes(masks[k]); }));
        listed = listed === null ? these : new Set(Array.from(listed).filter(function (d) { return these.has(d); }));
      });
      // Each document's [words it has, score]; without words, the listed documents.
      var found = new Map(typed.length ? [] : Array.from(listed).map(function (d) { return [d, [0, 0]]; }));
      var perWord = [];
      var matched = Object.create(null);
      typed.forEach(function (word, i) {
        var shard = loaded[i] || { w: {}, p: {}, r: {} };
        for (var d in shard.r) records[d] = shard.r[d];
        // The last word is still being typed unless something follows it (a space).
        var typing = i === typed.length - 1 && word.end === raw.length;
        var terms = termsFor(word.folded, shard, typing);
        var best = new Map();
        Object.keys(terms).forEach(function (term) {
          matched[term] = true;
          // Columns: document gaps, scores, filter masks (see src/search/browser.rs).
          var postings = shard.p[term] || [[], [], []];
          var gaps = postings[0], weights = postings[1], masks = postings[2];
          for (var k = 0, doc = 0; k < gaps.length; k++) {
            doc += gaps[k];
            var score = weights[k] * terms[term];
            if (!passes(masks[k]) || (listed && !listed.has(doc))) continue;
            if (!(best.get(doc) >= score)) best.set(doc, score);
          }
        });
        best.forEach(function (score, doc) {
          var has = found.get(doc) || [0, 0];
          found.set(doc, [has[0] + 1, has[1] + score]);
        });
        perWord.push(best);
      });
      // Pages with all the words first, then with most of them (as src/search/query.rs).
      // At most half the words (rounded up), fewer when no page has that many: never empty.
      var most = 0;
      found.forEach(function (has) { most = Math.max(most, has[0]); });
      var required = Math.min(Math.max(1, typed.length - Math.floor(typed.length / 2)), most);
      var ranked = Array.from(found.entries())
        .filter(function (e) { return !typed.length || e[1][0] >= required; })
        .sort(function (a, b) { return b[1][0] - a[1][0] || b[1][1] - a[1][1] || a[0] - b[0]; })
        .map(function (e) { return e[0]; });
      // The words a page lacks, as typed.
      var missing = function (doc) {
        return typed.filter(function (w, i) { return !perWord[i].has(doc); }).map(function (w) { return raw.slice(w.at, w.end); });
      };
      current = { ranked: ranked, matched: matched, missing: missing, shards: loaded.slice(0, typed.length), generation: mine };
      return showUpTo(index.page).then(function () {
        // For the benchmark (bench/search.sh): from the query to its results on screen.
        if (mine === generation) performance.measure('aspnet-kb-query', { start: started });
      });
    });
  }

  // Shows the first `count` results of the current query, fetching the records it lacks.
  function showUpTo(count) {
    var query = current;
    var shown = query.ranked.slice(0, count);
    var chunks = {};
    shown.forEach(function (doc) { if (!records[doc]) chunks[Math.floor(doc / index.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return fetchData('r/' + c + '.jsz').then(function (chunk) {
        (chunk || []).forEach(function (r, i) { records[c * index.chunk + i] = r; });
      });
    })).then(function () {
      if (query.generation === generation) show(query, shown);
    });
  }

  // About 200 characters of a record's text around its first matched word, cut between words.
  function excerptAround(text, matched, shards) {
    var first = words(text).filter(function (word) {
      var term;
      shards.forEach(function (s) { if (s && own(s.w, word.folded)) term = term || s.w[word.folded]; });
      return term && own(matched, term);
    })[0];
    var start = first && first.at > 120 ? text.lastIndexOf(' ', first.at - 60) + 1 : 0;
    var end = start + 200 >= text.length ? text.length : text.lastIndexOf(' ', start + 200);
    if (end <= start) end = Math.min(text.length, start + 200);
    return (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
  }

  // Text with the words that matched the query inside <mark>, built as DOM nodes.
  function marked(text, matched, shards) {
    var fragment = document.createDocumentFragment();
    var at = 0;
    words(text).forEach(function (word) {
      var term;
      shards.forEach(function (s) { if (s && own(s.w, word.folded)) term = term || s.w[word.folded]; });
      if (!term || !own(matched, term)) return;
      if (word.end <= at) return;
      var from = Math.max(word.at, at);
      fragment.appendChild(document.createTextNode(text.slice(at, from)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(from, word.end);
      fragment.appendChild(mark);
      at = word.end;
    });
    fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  // A result's address: records hold it relative to the language's root (or from the
  // site's root, for another language's page); an offline copy names the page's file.
  function resultAddress(url) {
    if (url.charAt(0) !== '/') url = index.root + url;
    else if (data.offline) url = index.up + url.slice(index.base.length);
    return data.offline && /\/$/.test(url) ? url + 'index.html' : url;
  }

  // Lists the results `docs` of `query`, adding to those already listed for the same query.
  function show(query, docs) {
    if (list.getAttribute('data-query') !== String(query.generation)) {
      list.textContent = '';
      list.setAttribute('data-query', query.generation);
    }
    var total = query.ranked.length;
    var forms = data.strings.results.forms;
    var form = forms[plural.select(total)] || forms.other;
    status.textContent = total === 0 ? data.strings.none : form.replace('{n}', total);
    docs.slice(list.children.length).forEach(function (doc) {
      var r = records[doc] || { t: '', u: '#', k: '', l: data.lang, e: '' };
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = resultAddress(r.u);
      link.appendChild(marked(r.t, query.matched, query.shards));
      var heading = document.createElement('h2');
      heading.appendChild(link);
      if (r.l !== data.lang) heading.lang = r.l;
      var meta = document.createElement('p');
      meta.className = 'meta';
      meta.textContent = (data.strings.kinds[r.k] || r.k) + (r.l !== data.lang ? ' · ' + data.strings.original_language : '');
      var excerpt = document.createElement('p');
      excerpt.appendChild(marked(excerptAround(r.e, query.matched, query.shards), query.matched, query.shards));
      if (r.l !== data.lang) excerpt.lang = r.l;
      item.appendChild(heading);
      item.appendChild(meta);
      item.appendChild(excerpt);
      var lacking = query.missing(doc);
      if (lacking.length) {
        var note = document.createElement('p');
        note.className = 'missing';
        note.textContent = data.strings.missing.replace('{words}', lacking.join(', '));
        item.appendChild(note);
      }
      list.appendChild(item);
    });
    more.hidden = docs.length >= total;
  }

  // The next page of results; keyboard focus moves to the first of them.
  more.addEventListener('click', function () {
    var first = list.children.length;
    showUpTo(first + index.page).then(function () {
      var link = list.children[first] && list.children[first].querySelector('a');
      if (link) link.focus();
    });
  });

  // What tests/search_parity.rs compares with the build's analysis: the page's words.
  window.aspnetKbWords = function (text) { return words(text).map(function (w) { return w.folded; }); };

  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  FILTERS.forEach(function (name) { if (params.get(name)) form.elements[name].value = params.get(name); });
  // The filters are folded on phones, so the first result shows on the first screen; they
  // are open on wider screens, and wherever the address sets one.
  var filtersFold = document.getElementById('filters-fold');
  if (filtersFold && (matchMedia('(min-width: 48rem)').matches || FILTERS.some(function (name) { return params.get(name); }))) filtersFold.open = true;
  var timer;
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  form.addEventListener('change', run);
  form.addEventListener('submit', function (event) { event.preventDefault(); run(); });
  if (input.value || LISTS.some(function (l) { return params.get(l[0]); })) run();
})();
