/**
 * The scatter map: D3 scales, axes and zoom on an SVG overlay; points in WebGL2 underneath
 * (gl-points.ts), uploaded once per layout in a stratified order and drawn with a level of detail
 * (lod.ts); on software GL, maps above 200k points are splatted on the CPU (splat.ts). Animates between layouts, finds the hovered point and the lasso's points through a grid
 * index (grid-index.ts), and turns lasso / rectangle drags into selections.
 * The canvas states what it shows: data-animating (a layout animation is under way, from setCoords to its
 * last frame), data-complete (every point of the current picture is on it: 'false' from any change until
 * the frame that completes it) and data-zoom.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { easeCubicInOut } from 'd3-ease';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { pointer, select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { createPointRenderer, type ClipMapping, type PointRenderer } from './gl-points.js';
import { GridIndex } from './grid-index.js';
import { ALWAYS_WHOLE, gatherRGBA, gatherXY, LevelOfDetail } from './lod.js';
import { rectangle, type Affine, type Polygon } from './selection.js';

export type Tool = 'pan' | 'lasso' | 'rect';

export interface MapCallbacks {
  onHover(row: number, clientX: number, clientY: number): void;
  onSelect(rows: Int32Array): void;
}

const MARGIN = { left: 44, bottom: 28, top: 8, right: 8 };
const ANIMATION_MS = 700;
export const SVG_MAX_POINTS = 200_000;
/** Above this many interpolated cells the overlay is two SVG paths (kept, dimmed), not one circle each. */
export const OVERLAY_MAX_NODES = 5_000;

type Scale = ScaleLinear<number, number>;

export class MapView {
  readonly renderer: PointRenderer;
  readonly #canvas: HTMLCanvasElement;
  readonly #svg: Selection<SVGSVGElement, unknown, null, undefined>;
  readonly #cb: MapCallbacks;
  readonly #zoom: ZoomBehavior<SVGSVGElement, unknown>;
  #w = 1;
  #h = 1;
  #coords: Float32Array | null = null;
  #from: Float32Array | null = null;
  #base: { x: Scale; y: Scale } = { x: scaleLinear(), y: scaleLinear() };
  #fromMapping: ClipMapping | null = null;
  #transform: ZoomTransform = zoomIdentity;
  #mix = 1;
  #animStart = 0;
  #index: GridIndex | null = null;
  /** Drawing order of the points in the GPU buffers (a stratified order: see lod.ts). */
  #order: Uint32Array = new Uint32Array(0);
  /** The last colours, per cell in data order (re-gathered when the drawing order changes). */
  #rgba: Uint8Array | null = null;
  readonly #lod = new LevelOfDetail();
  #settleTimer: ReturnType<typeof setTimeout> | null = null;
  #lastDrawMs = 0;
  #tool: Tool = 'pan';
  #drag: [number, number][] | null = null;
  #frame = 0;
  visible: (i: number) => boolean = () => true;
  pointSize = 4;
  opacity = 0.85;
  /** Interpolated cells (time panel): n × 2 data coordinates, drawn as outlined circles on the SVG layer. */
  #overlay: Float32Array | null = null;
  /** Map row each interpolated cell starts from: it is dimmed like that cell when a selection leaves it out. */
  #overlaySource: Int32Array | null = null;
  /** The view a large overlay's paths were built for (null: build them again). */
  #overlayBuiltFor: Affine | null = null;
  /** Selected map rows (1) when there is a selection, else null. */
  selected: Uint8Array | null = null;

  constructor(canvas: HTMLCanvasElement, svg: SVGSVGElement, callbacks: MapCallbacks) {
    this.#canvas = canvas;
    this.#svg = select(svg);
    this.#cb = callbacks;
    this.renderer = createPointRenderer(canvas);
    this.#lod.splatWhole = this.renderer.software;
    this.#svg.append('g').attr('class', 'axis x');
    this.#svg.append('g').attr('class', 'axis y');
    // Interpolated cells are clipped to the plot frame like the points (issue 14, trap 1).
    this.#svg.append('clipPath').attr('id', 'plot-clip').append('rect');
    this.#svg.append('g').attr('class', 'interp').attr('data-testid', 'interp-overlay').attr('clip-path', 'url(#plot-clip)').style('pointer-events', 'none');
    this.#svg.append('path').attr('class', 'lasso');
    this.#zoom = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.5, 2000])
      .filter((ev: Event) => (this.#tool === 'pan' ? !(ev as MouseEvent).button : ev.type === 'wheel'))
      .on('zoom', (ev: D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.#transform = ev.transform;
        this.#lod.interacted(performance.now());
        this.requestDraw();
      });
    this.#svg.call(this.#zoom);
    // Double-click resets the view instead of zooming further (issue 14, trap 6).
    this.#svg.on('dblclick.zoom', null);
    svg.addEventListener('dblclick', () => this.resetView());
    svg.addEventListener('pointermove', (ev) => this.#pointerMove(ev));
    svg.addEventListener('pointerleave', () => this.#cb.onHover(-1, 0, 0));
    svg.addEventListener('pointerdown', (ev) => this.#pointerDown(ev));
    svg.addEventListener('pointerup', (ev) => this.#pointerUp(ev));
  }

  get tool(): Tool { return this.#tool; }
  set tool(t: Tool) {
    this.#tool = t;
    this.#svg.style('cursor', t === 'pan' ? 'grab' : 'crosshair');
  }

  resize(width: number, height: number): void {
    this.#w = Math.max(1, width);
    this.#h = Math.max(1, height);
    this.renderer.resize(this.#w, this.#h, window.devicePixelRatio || 1);
    this.#svg.attr('width', this.#w).attr('height', this.#h);
    if (this.#coords) this.#base = this.#fitScales(this.#coords);
    this.requestDraw();
  }

  /** New layout: animate from the previous one when it has the same points. */
  setCoords(coords: Float32Array, animate: boolean): void {
    const prev = this.#coords;
    const canAnimate = animate && prev !== null && prev.length === coords.length;
    const fromMapping = canAnimate ? this.#mapping(this.#zoomed()) : null;
    this.#coords = coords;
    this.#base = this.#fitScales(coords);
    this.#index = new GridIndex(coords);
    this.#order = this.#index.stratifiedOrder();
    this.#transform = zoomIdentity;
    this.#svg.call(this.#zoom.transform, zoomIdentity);
    if (canAnimate && fromMapping) {
      this.#from = prev;
      this.#fromMapping = fromMapping;
      this.#mix = 0;
      this.#animStart = performance.now();
    } else {
      this.#from = coords;
      this.#fromMapping = null;
      this.#mix = 1;
    }
    this.#canvas.dataset.animating = this.#mix < 1 ? 'true' : 'false'; // from now, not from the first frame
    const to = gatherXY(coords, this.#order);
    this.renderer.setPositions(this.#from !== coords && this.#from ? gatherXY(this.#from, this.#order) : to, to);
    // the colour buffer follows the new drawing order at once (the caller's new colours may come later);
    // colours for another number of cells are replaced by a neutral grey until then
    const n = coords.length / 2;
    this.#rgba = this.#rgba && this.#rgba.length === 4 * n ? this.#rgba : new Uint8Array(4 * n).fill(160);
    this.renderer.setColours(gatherRGBA(this.#rgba, this.#order));
    this.requestDraw();
  }

  /** Interpolated cells over the map (null removes them). */
  setOverlay(points: Float32Array | null, source: Int32Array | null = null): void {
    this.#overlay = points;
    this.#overlaySource = source;
    this.#overlayBuiltFor = null;
    this.requestDraw();
  }

  setColours(rgba: Uint8Array): void {
    this.#rgba = rgba;
    this.renderer.setColours(gatherRGBA(rgba, this.#order));
    this.requestDraw();
  }

  /** Stops pending frames and the settle timer (the view is being removed). */
  destroy(): void {
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = null;
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 1; // a draw requested after destroy is never scheduled
  }

  /** Sets the zoom (scale k, translation x, y in CSS pixels), as a user's zoom/pan would. */
  zoomTo(k: number, x: number, y: number): void {
    this.#svg.call(this.#zoom.transform, zoomIdentity.translate(x, y).scale(k));
  }

  /** Back to the whole map (no zoom or pan). */
  resetView(): void {
    this.#svg.call(this.#zoom.transform, zoomIdentity);
  }

  /** The zoom factor (1: the whole map). */
  get zoomScale(): number { return this.#transform.k; }

  get animating(): boolean { return this.#mix < 1; }

  /** Current (zoomed) scales: data → CSS pixels inside the SVG. */
  scales(): { x: Scale; y: Scale } { return this.#zoomed(); }

  /** The picture changed: draw it again on the next animation frame. */
  requestDraw(): void {
    this.#lod.restart();
    // The canvas no longer shows the whole current picture until a frame completes it.
    this.#canvas.dataset.complete = 'false';
    this.#schedule();
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#paint();
    });
  }

  /** Draws the picture now (from its first range). */
  draw(): void {
    this.#lod.restart();
    this.#paint();
  }

  /** The points' drawing order (map rows), as the renderer's buffers hold them. */
  drawingOrder(): Uint32Array { return this.#order; }

  /** Milliseconds the last frame's draw call took on the main thread (the whole splat; GL queues its work). */
  get lastDrawMs(): number { return this.#lastDrawMs; }

  /** Points per frame the level of detail currently draws (all of them on a fast GPU). */
  get frameBudget(): number { return this.#lod.splatWhole && this.#order.length > ALWAYS_WHOLE ? Math.min(this.#order.length, this.#lod.splatBudget) : this.#lod.budget; }

  /** Level of detail on (default) or off (every frame draws every point: the benchmark's full frames). */
  set levelOfDetail(on: boolean) { this.#lod.enabled = on; this.requestDraw(); }

  /**
   * Complete pictures of large maps by CPU splatting (default: on software GL); off draws them as point
   * sprites (the benchmark's comparison, and the picture test's reference).
   */
  get splatting(): boolean { return this.#lod.splatWhole; }
  set splatting(on: boolean) { this.#lod.splatWhole = on; this.requestDraw(); }

  /** One frame: the whole map, a prefix of it while the view moves, or the next range of a settling picture. */
  #paint(): void {
    const now = performance.now();
    if (this.#mix < 1) {
      const f = Math.min(1, (now - this.#animStart) / ANIMATION_MS);
      this.#mix = easeCubicInOut(f);
      if (f >= 1) this.#finishAnimation();
      else this.#schedule();
    }
    const n = this.#order.length;
    const step = this.#lod.step(now, n, this.#mix < 1);
    const zs = this.#zoomed();
    this.#canvas.dataset.animating = this.#mix < 1 ? 'true' : 'false';
    this.#canvas.dataset.zoom = this.#transform.k.toPrecision(4);
    this.#canvas.dataset.complete = step.complete ? 'true' : 'false';
    const to = this.#mapping(zs);
    const t0 = performance.now();
    this.renderer.draw({ from: this.#fromMapping ?? to, to, mix: this.#mix, pointSize: this.pointSize, opacity: this.opacity, first: step.first, count: step.count, clear: step.clear, splat: step.splat });
    this.#lastDrawMs = performance.now() - t0;
    if (step.splat) this.#lod.splatTook(this.#lastDrawMs, step.count);
    if (step.more) this.#schedule();
    else if (!step.complete && this.#mix >= 1) this.#settleLater(now);
    // A large overlay is rebuilt only for a still view (see #drawOverlayPaths).
    const still = step.complete && this.#lod.settlesIn(now) === 0;
    if (still && !step.clear && this.#overlayBuiltFor) this.#drawOverlay(zs, true);
    if (!step.clear) return;
    this.#svg.select<SVGGElement>('g.axis.x').attr('transform', `translate(0,${this.#h - MARGIN.bottom})`).call(axisBottom(zs.x).ticks(Math.max(2, this.#w / 90)));
    this.#svg.select<SVGGElement>('g.axis.y').attr('transform', `translate(${MARGIN.left},0)`).call(axisLeft(zs.y).ticks(Math.max(2, this.#h / 70)));
    if (this.#drawOverlay(zs, still) && this.#lod.settlesIn(now) > 0) this.#settleLater(now);
  }

  /** A thinned frame was drawn: draw every point once the view has been still long enough. */
  #settleLater(now: number): void {
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      if (this.#lod.settlesIn(performance.now()) > 0) this.#settleLater(performance.now());
      else this.requestDraw();
    }, this.#lod.settlesIn(now) + 1);
  }

  /**
   * `settled`: the view is still and the picture complete (a large overlay's paths are rebuilt for the view,
   * not moved). Returns true when they were only moved (rebuild them once the view settles).
   */
  #drawOverlay(zs: { x: Scale; y: Scale }, settled: boolean): boolean {
    const pts = this.#overlay;
    const n = pts ? pts.length / 2 : 0;
    const r = Math.max(2.5, this.pointSize / 2 + 1.5);
    this.#svg.select('clipPath rect').attr('x', MARGIN.left).attr('y', MARGIN.top).attr('width', Math.max(0, this.#w - MARGIN.left - MARGIN.right)).attr('height', Math.max(0, this.#h - MARGIN.top - MARGIN.bottom));
    const sel = this.selected, src = this.#overlaySource;
    const g = this.#svg.select<SVGGElement>('g.interp');
    if (n > OVERLAY_MAX_NODES) {
      g.selectAll('circle').remove();
      return this.#drawOverlayPaths(g, pts!, r, settled);
    }
    g.selectAll('g.paths').remove();
    this.#overlayBuiltFor = null;
    g.selectAll<SVGCircleElement, number>('circle')
      .data(Array.from({ length: n }, (_, i) => i))
      .join('circle')
      .attr('cx', (i) => zs.x(pts![2 * i]!).toFixed(1))
      .attr('cy', (i) => zs.y(pts![2 * i + 1]!).toFixed(1))
      .attr('r', r)
      .attr('fill', 'rgba(255,255,255,0.55)')
      .attr('stroke', '#111')
      .attr('stroke-width', 1.4)
      .attr('opacity', (i) => (sel && src && !sel[src[i]!] ? 0.15 : 1));
    return false;
  }

  /**
   * A large overlay as two paths (every circle a subpath; dimmed cells in the second), so the page holds two
   * nodes, not one per cell. Built for the settled view; while the view moves they follow it by a transform.
   */
  #drawOverlayPaths(g: Selection<SVGGElement, unknown, null, undefined>, pts: Float32Array, r: number, settled: boolean): boolean {
    const now = this.#affine(this.#zoomed());
    let inner = g.select<SVGGElement>('g.paths');
    if (inner.empty()) {
      inner = g.append('g').attr('class', 'paths');
      inner.append('path').attr('class', 'kept');
      inner.append('path').attr('class', 'dimmed').attr('opacity', 0.15);
    }
    const built = this.#overlayBuiltFor;
    if (built && !settled) {
      const sx = now.ax / built.ax, sy = now.ay / built.ay;
      inner.attr('transform', `translate(${now.bx - sx * built.bx},${now.by - sy * built.by}) scale(${sx},${sy})`);
      return true;
    }
    const sel = this.selected, src = this.#overlaySource;
    const kept: string[] = [], dimmed: string[] = [];
    const arc = `m${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
    for (let i = 0; i < pts.length / 2; i++) {
      const d = `M${(now.ax * pts[2 * i]! + now.bx).toFixed(1)},${(now.ay * pts[2 * i + 1]! + now.by).toFixed(1)}${arc}`;
      (sel && src && !sel[src[i]!] ? dimmed : kept).push(d);
    }
    inner.attr('transform', null);
    for (const [cls, parts] of [['kept', kept], ['dimmed', dimmed]] as const) {
      inner.select(`path.${cls}`).attr('d', parts.join('')).attr('fill', 'rgba(255,255,255,0.55)').attr('stroke', '#111').attr('stroke-width', 1.4).attr('vector-effect', 'non-scaling-stroke');
    }
    this.#overlayBuiltFor = now;
    return false;
  }

  #finishAnimation(): void {
    this.#mix = 1;
    this.#fromMapping = null;
    if (this.#coords) {
      this.#from = this.#coords;
      const to = gatherXY(this.#coords, this.#order);
      this.renderer.setPositions(to, to);
    }
  }

  #zoomed(): { x: Scale; y: Scale } {
    return { x: this.#transform.rescaleX(this.#base.x), y: this.#transform.rescaleY(this.#base.y) };
  }

  /** Scales with equal units on both axes, the layout centred in the plot area. */
  #fitScales(coords: Float32Array): { x: Scale; y: Scale } {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < coords.length; i += 2) {
      const x = coords[i]!, y = coords[i + 1]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    if (!(x1 >= x0)) { x0 = y0 = -1; x1 = y1 = 1; }
    const pw = this.#w - MARGIN.left - MARGIN.right, ph = this.#h - MARGIN.top - MARGIN.bottom;
    const span = Math.max((x1 - x0) / pw, (y1 - y0) / ph, 1e-12) * 1.08;
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const mx = MARGIN.left + pw / 2, my = MARGIN.top + ph / 2;
    return {
      x: scaleLinear().domain([cx - (pw / 2) * span, cx + (pw / 2) * span]).range([mx - pw / 2, mx + pw / 2]),
      y: scaleLinear().domain([cy - (ph / 2) * span, cy + (ph / 2) * span]).range([my + ph / 2, my - ph / 2]),
    };
  }

  /** Data → CSS pixels of the scales `s` as px = a·d + b on each axis. */
  #affine(s: { x: Scale; y: Scale }): Affine {
    return { ax: s.x(1) - s.x(0), bx: s.x(0), ay: s.y(1) - s.y(0), by: s.y(0) };
  }

  /** Data → CSS pixels of the current view, as selections use it. */
  screenAffine(): Affine {
    return this.#affine(this.#zoomed());
  }

  /** Rows inside a screen polygon (CSS pixels in the SVG) among the visible points, through the grid index. */
  selectPolygon(poly: Polygon): Int32Array {
    if (!this.#index) return new Int32Array(0);
    return this.#index.selectInPolygon(poly, this.#affine(this.#zoomed()), this.visible);
  }

  /** The visible row nearest a screen position (CSS pixels in the SVG) within 8 px, or -1. */
  pick(px: number, py: number): number {
    if (!this.#index) return -1;
    const s = this.#zoomed();
    const radius = Math.abs(s.x.invert(8) - s.x.invert(0));
    return this.#index.nearest(s.x.invert(px), s.y.invert(py), radius, this.visible);
  }

  #mapping(s: { x: Scale; y: Scale }): ClipMapping {
    // pixel = a·d + b (linear scales), clip = 2·pixel/w − 1 (x), 1 − 2·pixel/h (y).
    const ax = s.x(1) - s.x(0), bx = s.x(0);
    const ay = s.y(1) - s.y(0), by = s.y(0);
    return { sx: (2 * ax) / this.#w, tx: (2 * bx) / this.#w - 1, sy: (-2 * ay) / this.#h, ty: 1 - (2 * by) / this.#h };
  }

  #pointerMove(ev: PointerEvent): void {
    const [px, py] = pointer(ev, this.#svg.node());
    if (this.#drag) {
      if (this.#tool === 'lasso') this.#drag.push([px, py]);
      else this.#drag = [this.#drag[0]!, [px, py]];
      const poly: Polygon = this.#tool === 'rect' && this.#drag.length === 2 ? rectangle(this.#drag[0]!, this.#drag[1]!) : this.#drag;
      this.#svg.select('path.lasso').attr('d', `M${poly.map((p) => p.join(',')).join('L')}Z`);
      return;
    }
    if (!this.#index || this.#mix < 1) return;
    this.#cb.onHover(this.pick(px, py), ev.clientX, ev.clientY);
  }

  #pointerDown(ev: PointerEvent): void {
    if (this.#tool === 'pan' || ev.button !== 0) return;
    ev.preventDefault();
    const [px, py] = pointer(ev, this.#svg.node());
    this.#drag = [[px, py]];
    (ev.target as Element).setPointerCapture?.(ev.pointerId);
  }

  #pointerUp(ev: PointerEvent): void {
    if (!this.#drag) return;
    const [px, py] = pointer(ev, this.#svg.node());
    const pts = this.#drag;
    this.#drag = null;
    this.#svg.select('path.lasso').attr('d', null);
    if (!this.#coords) return;
    const poly: Polygon = this.#tool === 'rect' ? rectangle(pts[0]!, [px, py]) : [...pts, [px, py]];
    this.#cb.onSelect(this.selectPolygon(poly));
  }

  /** The map as SVG elements (points inside the view, axes), for export. */
  svgBody(colourOf: (i: number) => string | null, points = true): string {
    const s = this.#zoomed();
    const coords = this.#coords;
    const parts: string[] = [];
    const r = (this.pointSize / 2).toFixed(2);
    let note = '';
    if (coords && points) {
      const n = coords.length / 2;
      const inView: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = s.x(coords[2 * i]!), y = s.y(coords[2 * i + 1]!);
        if (x >= 0 && y >= 0 && x <= this.#w && y <= this.#h) inView.push(i);
      }
      // A vector file of a million circles is unusable: keep every k-th point above SVG_MAX_POINTS.
      const stride = Math.max(1, Math.ceil(inView.length / SVG_MAX_POINTS));
      for (let q = 0; q < inView.length; q += stride) {
        const i = inView[q]!;
        const c = colourOf(i);
        if (c === null) continue;
        parts.push(`<circle cx="${s.x(coords[2 * i]!).toFixed(1)}" cy="${s.y(coords[2 * i + 1]!).toFixed(1)}" r="${r}" fill="${c}"/>`);
      }
      if (stride > 1) note = `<!-- ${inView.length} points in view; every ${stride}th drawn (SVG limit ${SVG_MAX_POINTS}) -->`;
    }
    const axes = ['g.axis.x', 'g.axis.y'].map((q) => (this.#svg.select<SVGGElement>(q).node()?.outerHTML ?? '')).join('');
    return `${note}<g class="points" fill-opacity="${this.opacity}">${parts.join('')}</g>${axes}`;
  }

  /** Draws the points at `scale` × the CSS size into `ctx` (for PNG export), then restores the screen size. */
  drawScaled(ctx: CanvasRenderingContext2D, scale: number): void {
    this.renderer.resize(this.#w, this.#h, scale);
    const to = this.#mapping(this.#zoomed());
    const splat = this.#lod.splatWhole && this.#order.length > ALWAYS_WHOLE;
    this.renderer.draw({ from: to, to, mix: 1, pointSize: this.pointSize, opacity: this.opacity, splat });
    ctx.drawImage(this.#canvas, 0, 0, this.#w * scale, this.#h * scale);
    this.renderer.resize(this.#w, this.#h, window.devicePixelRatio || 1);
    this.draw();
  }

  get size(): { width: number; height: number } { return { width: this.#w, height: this.#h }; }
  get canvas(): HTMLCanvasElement { return this.#canvas; }
}
