/** PNG of the map at a chosen scale: WebGL points re-drawn at that resolution, then axes and legend (SVG). */
import type { MapView } from './map-view.js';

async function rasterise(svg: string, ctx: CanvasRenderingContext2D, width: number, height: number): Promise<void> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    ctx.drawImage(img, 0, 0, width, height);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** `overlay`: an SVG document of the same CSS size (plus legend width) without background or points. */
export async function mapPng(map: MapView, overlay: string, extraWidth: number, scale: number): Promise<Uint8Array> {
  const { width, height } = map.size;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round((width + extraWidth) * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('cannot create a 2-D canvas for the PNG');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  map.drawScaled(ctx, scale);
  await rasterise(overlay, ctx, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG');
  return new Uint8Array(await blob.arrayBuffer());
}
