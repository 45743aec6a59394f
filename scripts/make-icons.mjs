// Draws Isotherm's application icon (no downloads, no image libraries): a rounded square with a warm
// heat-kernel gradient and white isotherms (level sets of a sum of two Gaussians), written as RGBA PNGs
// with node:zlib to assets/icons/512x512.png and 256x256.png. electron-builder makes the macOS .icns and
// the Windows .ico from these at packaging time. Run: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'icons');

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Colour map from deep blue (cold) through purple and red to yellow (hot).
const STOPS = [[0, [22, 36, 92]], [0.35, [96, 38, 140]], [0.65, [214, 64, 69]], [1, [252, 200, 70]]];
function heat(v) {
  const x = Math.min(1, Math.max(0, v));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i];
    const [t0, c0] = STOPS[i - 1];
    if (x <= t1) {
      const f = (x - t0) / (t1 - t0);
      return c0.map((c, j) => c + f * (c1[j] - c));
    }
  }
  return STOPS[STOPS.length - 1][1];
}

function draw(size) {
  const rgba = new Uint8Array(size * size * 4);
  const S = 4; // supersampling per axis
  const radius = 0.2; // corner radius, fraction of the side
  const field = (u, v) => Math.exp(-((u - 0.38) ** 2 + (v - 0.4) ** 2) / 0.045) + 0.8 * Math.exp(-((u - 0.66) ** 2 + (v - 0.64) ** 2) / 0.03);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) / size;
          const v = (y + (sy + 0.5) / S) / size;
          // Rounded square mask with a small margin.
          const m = 0.04;
          const qx = Math.max(Math.abs(u - 0.5) - (0.5 - m - radius), 0);
          const qy = Math.max(Math.abs(v - 0.5) - (0.5 - m - radius), 0);
          if (Math.hypot(qx, qy) > radius) continue;
          const f = field(u, v);
          let c = heat(0.15 + 0.85 * Math.min(1, f));
          // Isotherms: thin white bands at evenly spaced levels of the field.
          const level = f * 6;
          const d = Math.abs(level - Math.round(level));
          if (Math.round(level) >= 1 && d < 0.09) c = c.map((ch) => ch + (255 - ch) * 0.85);
          r += c[0]; g += c[1]; b += c[2]; a += 255;
        }
      }
      const n = S * S;
      const o = (y * size + x) * 4;
      const cover = a / n / 255;
      rgba[o] = cover > 0 ? Math.round(r / (cover * n)) : 0;
      rgba[o + 1] = cover > 0 ? Math.round(g / (cover * n)) : 0;
      rgba[o + 2] = cover > 0 ? Math.round(b / (cover * n)) : 0;
      rgba[o + 3] = Math.round(a / n);
    }
  }
  return rgba;
}

mkdirSync(outDir, { recursive: true });
for (const size of [512, 256]) {
  const file = join(outDir, `${size}x${size}.png`);
  writeFileSync(file, png(size, draw(size)));
  process.stdout.write(`wrote ${file}\n`);
}
