/** PNG of the map at a chosen scale: WebGL points re-drawn at that resolution, then axes, frame and legend (SVG). */
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

/**
 * `overlay`: an SVG document of the figure's CSS size (`size`: map, frame bands and legend) without background
 * or points; `at`: where the map's top-left corner sits in the figure (the frame's left and top bands).
 */
export async function mapPng(map: MapView, overlay: string, size: { width: number; height: number }, at: { left: number; top: number }, scale: number): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(size.width * scale);
  canvas.height = Math.round(size.height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('cannot create a 2-D canvas for the PNG');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.save();
  ctx.translate(at.left * scale, at.top * scale);
  map.drawScaled(ctx, scale);
  ctx.restore();
  await rasterise(overlay, ctx, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG');
  return new Uint8Array(await blob.arrayBuffer());
}
