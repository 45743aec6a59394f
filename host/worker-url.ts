/**
 * Where a worker thread's script is loaded from. In the packaged app the code lives in app.asar, but the
 * compute worker and everything it imports are unpacked next to it (package.json build.asarUnpack:
 * app.asar.unpacked/…), because a worker thread's ES-module loader reads the real file system and the
 * wasm readers and Dawn need real files. A URL inside app.asar is mapped to its unpacked twin.
 */
export function unpackedWorkerUrl(url: URL): URL {
  if (url.protocol !== 'file:') return url;
  const mapped = url.pathname.replace(/\/app\.asar\//, '/app.asar.unpacked/');
  if (mapped === url.pathname) return url;
  const out = new URL(url.href);
  out.pathname = mapped;
  return out;
}
