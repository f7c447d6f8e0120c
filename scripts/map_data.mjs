// Makes the data of the network map (src/render/map.rs) from Natural Earth, as packaged by the
// npm package world-atlas (ISC; the shapes themselves are Natural Earth's, public domain):
//
//   npm install world-atlas@2 topojson-client@3 i18n-iso-countries@7
//   node scripts/map_data.mjs            (from the repository's root, with those installed)
//
// data/map/land.txt       the land of the world (no borders), Natural Earth 1:110m, in the
//                         Equal Earth projection, as an SVG path in a 1000-wide viewBox:
//                         integers, relative moves, rings smaller than MIN_AREA dropped.
// data/map/countries.tsv  each country's representative point (ISO 3166-1 alpha-2, longitude,
//                         latitude): the centroid of its largest polygon at 1:50m, two decimals.
//                         src/render/map.rs projects these with the same formula.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const topojson = require('topojson-client');
const countries = require('i18n-iso-countries');
const atlas = (name) => JSON.parse(readFileSync(require.resolve(`world-atlas/${name}`), 'utf8'));

const WIDTH = 1000;
const MIN_AREA = 6; // square units of the viewBox: smaller islands are left out
const [A1, A2, A3, A4] = [1.340264, -0.081106, 0.000893, 0.003796];
const M = Math.sqrt(3) / 2;
const X_MAX = 2.7066297319215575; // x of (180°, 0°)
const Y_MAX = 1.3173627591574133; // y of (0°, 90°)
const SCALE = WIDTH / (2 * X_MAX);

// Equal Earth (Šavrič, Patterson, Jenny 2018), into the viewBox: y grows downwards.
export function project([lon, lat]) {
  const l = (lon * Math.PI) / 180;
  const t = Math.asin(M * Math.sin((lat * Math.PI) / 180));
  const t2 = t * t, t6 = t2 * t2 * t2;
  const x = (l * Math.cos(t)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [(x + X_MAX) * SCALE, (Y_MAX - y) * SCALE];
}

function area(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  return Math.abs(a / 2);
}

function landPath() {
  const topo = atlas('land-110m.json');
  const land = topojson.feature(topo, topo.objects.land);
  const geometries = land.features ? land.features.map((f) => f.geometry) : [land.geometry];
  const polygons = geometries.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates));
  let d = '';
  for (const polygon of polygons) {
    for (const ring of polygon.flatMap(unwrapped)) {
      const points = ring.map(project).map(([x, y]) => [Math.round(x), Math.round(y)]);
      const kept = points.filter((p, i) => i === 0 || p[0] !== points[i - 1][0] || p[1] !== points[i - 1][1]);
      if (kept.length < 4 || area(kept) < MIN_AREA) continue;
      d += `M${kept[0][0]} ${kept[0][1]}l`;
      for (let i = 1; i < kept.length; i++) d += `${kept[i][0] - kept[i - 1][0]} ${kept[i][1] - kept[i - 1][1]} `;
      d = d.trimEnd() + 'z';
    }
  }
  return d;
}

// A ring as drawn: Antarctica left out (no school there, and its ring runs round the pole);
// a ring crossing the antimeridian (Chukotka, Fiji) made continuous east of 180°, the part
// beyond the map's edge clipped, so that no line crosses the world.
function unwrapped(ring) {
  if (Math.max(...ring.map((p) => p[1])) < -55) return [];
  const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  if (!crosses) return [ring];
  return [ring.map(([lon, lat]) => [lon < -90 ? lon + 360 : lon, lat])];
}

function centroid(ring) {
  let a = 0, x = 0, y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f; x += (ring[j][0] + ring[i][0]) * f; y += (ring[j][1] + ring[i][1]) * f;
  }
  return a === 0 ? ring[0] : [x / (3 * a), y / (3 * a)];
}

function points() {
  const topo = atlas('countries-50m.json');
  const features = topojson.feature(topo, topo.objects.countries).features;
  // A code may name several features (Australia and the Ashmore Islands): the largest wins.
  const best = new Map();
  for (const f of features) {
    const code = f.id && countries.numericToAlpha2(f.id);
    if (!code || !f.geometry) continue;
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    const largest = polygons.map((p) => p[0]).sort((a, b) => area(b) - area(a))[0];
    if ((best.get(code)?.size ?? -1) >= area(largest)) continue;
    const [lon, lat] = centroid(largest);
    best.set(code, { size: area(largest), row: `${code.toLowerCase()}\t${lon.toFixed(2)}\t${lat.toFixed(2)}` });
  }
  return [...best.values()].map((b) => b.row).sort().join('\n') + '\n';
}

writeFileSync('data/map/land.txt', landPath() + '\n');
writeFileSync('data/map/countries.tsv', points());
const [x, y] = project([36.82, -1.29]);
console.log(`Nairobi projects to ${x.toFixed(2)} ${y.toFixed(2)}; height ${(2 * Y_MAX * SCALE).toFixed(1)}`);
