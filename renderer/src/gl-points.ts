/**
 * Draws n points with WebGL2: one gl.POINTS draw call per frame from buffers uploaded once (positions when
 * the layout changes, colours when they change); pan and zoom are uniforms. Two position buffers (old and
 * new layout) and a mix uniform animate a re-run. A draw may cover a range [first, first + count) of the
 * buffer and keep what is already on the canvas: map-view.ts uses that for its level of detail (a prefix
 * while the user interacts, the whole buffer in consecutive ranges once the view settles).
 * On software GL a draw may instead splat every point on the CPU (splat.ts) and show the image as one quad.
 * Falls back to a Canvas 2D pixel writer where WebGL2 is unavailable.
 */
import { splatPoints } from './splat.js';

/** data → clip-space mapping: clip = (x·sx + tx, y·sy + ty). */
export interface ClipMapping {
  readonly sx: number;
  readonly tx: number;
  readonly sy: number;
  readonly ty: number;
}

export interface DrawState {
  readonly from: ClipMapping;
  readonly to: ClipMapping;
  /** 0 = old layout, 1 = new layout. */
  readonly mix: number;
  /** CSS pixels. */
  readonly pointSize: number;
  readonly opacity: number;
  /** First point of the range drawn (default 0). */
  readonly first?: number;
  /** Points drawn from `first` (default: all to the end). */
  readonly count?: number;
  /** Clear the canvas first (default true); false adds the range to what is drawn. */
  readonly clear?: boolean;
  /**
   * Draw every point by CPU splatting (splat.ts) and show the image as one textured quad instead of one
   * point sprite each (ignores first/count/clear): the complete picture on software GL.
   */
  readonly splat?: boolean;
}

/** The range [first, end) a draw covers, clipped to the n points there are. */
export function drawRange(s: DrawState, n: number): { first: number; end: number } {
  const first = Math.max(0, Math.min(n, Math.floor(s.first ?? 0)));
  const end = s.count === undefined ? n : Math.max(first, Math.min(n, first + Math.floor(s.count)));
  return { first, end };
}

export interface PointRenderer {
  readonly mode: 'webgl2' | 'canvas2d';
  /** The points are rasterized on the CPU (SwiftShader, llvmpipe, the Canvas 2D fallback): splat large maps. */
  readonly software: boolean;
  setPositions(from: Float32Array, to: Float32Array): void;
  setColours(rgba: Uint8Array): void;
  resize(cssWidth: number, cssHeight: number, dpr: number): void;
  draw(state: DrawState): void;
}

const VERT = `#version 300 es
in vec2 a_from;
in vec2 a_to;
in vec4 a_colour;
uniform vec4 u_from;
uniform vec4 u_to;
uniform float u_mix;
uniform float u_size;
uniform float u_opacity;
out vec4 v_colour;
void main() {
  vec2 p0 = vec2(a_from.x * u_from.x + u_from.y, a_from.y * u_from.z + u_from.w);
  vec2 p1 = vec2(a_to.x * u_to.x + u_to.y, a_to.y * u_to.z + u_to.w);
  gl_Position = vec4(mix(p0, p1, u_mix), 0.0, 1.0);
  gl_PointSize = u_size;
  v_colour = vec4(a_colour.rgb, a_colour.a * u_opacity);
}`;

/** The splatted image: a full-canvas triangle reading texel (x, height − 1 − y) (image rows from the top). */
const QUAD_VERT = `#version 300 es
const vec2 corners[3] = vec2[3](vec2(-1.0, -1.0), vec2(3.0, -1.0), vec2(-1.0, 3.0));
void main() { gl_Position = vec4(corners[gl_VertexID], 0.0, 1.0); }`;

const QUAD_FRAG = `#version 300 es
precision highp float;
uniform sampler2D u_image;
out vec4 outColour;
void main() {
  ivec2 size = textureSize(u_image, 0);
  outColour = texelFetch(u_image, ivec2(int(gl_FragCoord.x), size.y - 1 - int(gl_FragCoord.y)), 0);
}`;

const FRAG = `#version 300 es
precision mediump float;
in vec4 v_colour;
out vec4 outColour;
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  float r = dot(c, c);
  if (r > 1.0 || v_colour.a <= 0.0) discard;
  float a = v_colour.a * (1.0 - smoothstep(0.7, 1.0, r));
  outColour = vec4(v_colour.rgb * a, a);
}`;

/** Is this GL context rasterized on the CPU? (the unmasked renderer name where the browser tells it) */
function softwareGl(gl: WebGL2RenderingContext): boolean {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
}

function program(gl: WebGL2RenderingContext, vert: string, frag: string): WebGLProgram {
  const prog = gl.createProgram()!;
  gl.attachShader(prog, shader(gl, gl.VERTEX_SHADER, vert));
  gl.attachShader(prog, shader(gl, gl.FRAGMENT_SHADER, frag));
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`program: ${gl.getProgramInfoLog(prog) ?? 'link failed'}`);
  return prog;
}

function shader(gl: WebGL2RenderingContext, type: number, src: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(s) ?? 'compile failed'}`);
  return s;
}

class GlPoints implements PointRenderer {
  readonly mode = 'webgl2' as const;
  readonly software: boolean;
  readonly #gl: WebGL2RenderingContext;
  readonly #prog: WebGLProgram;
  readonly #quadProg: WebGLProgram;
  readonly #quadVao: WebGLVertexArrayObject;
  readonly #texture: WebGLTexture;
  /** CPU copies of the buffers, for splatting. */
  #from: Float32Array = new Float32Array(0);
  #to: Float32Array = new Float32Array(0);
  #rgba: Uint8Array = new Uint8Array(0);
  #image: Uint8ClampedArray = new Uint8ClampedArray(0);
  #textureSize = '';
  readonly #bufFrom: WebGLBuffer;
  readonly #bufTo: WebGLBuffer;
  readonly #bufColour: WebGLBuffer;
  readonly #vao: WebGLVertexArrayObject;
  readonly #locFrom: number;
  readonly #u: Record<'from' | 'to' | 'mix' | 'size' | 'opacity', WebGLUniformLocation | null>;
  #n = 0;
  #dpr = 1;

  constructor(gl: WebGL2RenderingContext) {
    this.#gl = gl;
    this.software = softwareGl(gl);
    const prog = program(gl, VERT, FRAG);
    this.#prog = prog;
    this.#quadProg = program(gl, QUAD_VERT, QUAD_FRAG);
    this.#quadVao = gl.createVertexArray()!;
    this.#texture = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, this.#texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.bindTexture(gl.TEXTURE_2D, null);
    this.#vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.#vao);
    const attr = (name: string, size: number, type: number, normalized: boolean): WebGLBuffer => {
      const buf = gl.createBuffer()!;
      const loc = gl.getAttribLocation(prog, name);
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, size, type, normalized, 0, 0);
      return buf;
    };
    this.#bufFrom = attr('a_from', 2, gl.FLOAT, false);
    this.#locFrom = gl.getAttribLocation(prog, 'a_from');
    this.#bufTo = attr('a_to', 2, gl.FLOAT, false);
    this.#bufColour = attr('a_colour', 4, gl.UNSIGNED_BYTE, true);
    gl.bindVertexArray(null);
    this.#u = {
      from: gl.getUniformLocation(prog, 'u_from'),
      to: gl.getUniformLocation(prog, 'u_to'),
      mix: gl.getUniformLocation(prog, 'u_mix'),
      size: gl.getUniformLocation(prog, 'u_size'),
      opacity: gl.getUniformLocation(prog, 'u_opacity'),
    };
  }

  setPositions(from: Float32Array, to: Float32Array): void {
    const gl = this.#gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#bufTo);
    gl.bufferData(gl.ARRAY_BUFFER, to, gl.STATIC_DRAW);
    // Not animating (from = to): a_from reads the same buffer, so the layout is uploaded once.
    if (from !== to) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.#bufFrom);
      gl.bufferData(gl.ARRAY_BUFFER, from, gl.STATIC_DRAW);
    }
    gl.bindVertexArray(this.#vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, from === to ? this.#bufTo : this.#bufFrom);
    gl.vertexAttribPointer(this.#locFrom, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    this.#n = to.length / 2;
    this.#from = from;
    this.#to = to;
  }

  setColours(rgba: Uint8Array): void {
    this.#rgba = rgba;
    const gl = this.#gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#bufColour);
    gl.bufferData(gl.ARRAY_BUFFER, rgba, gl.DYNAMIC_DRAW);
  }

  resize(w: number, h: number, dpr: number): void {
    const c = this.#gl.canvas as HTMLCanvasElement;
    c.width = Math.max(1, Math.round(w * dpr));
    c.height = Math.max(1, Math.round(h * dpr));
    this.#dpr = dpr;
  }

  draw(s: DrawState): void {
    const gl = this.#gl;
    gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
    if (s.splat) {
      this.#drawSplat(s);
      return;
    }
    if (s.clear ?? true) {
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
    }
    const { first, end } = drawRange(s, this.#n);
    if (end <= first) return;
    gl.useProgram(this.#prog);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.uniform4f(this.#u.from, s.from.sx, s.from.tx, s.from.sy, s.from.ty);
    gl.uniform4f(this.#u.to, s.to.sx, s.to.tx, s.to.sy, s.to.ty);
    gl.uniform1f(this.#u.mix, s.mix);
    gl.uniform1f(this.#u.size, s.pointSize * this.#dpr);
    gl.uniform1f(this.#u.opacity, s.opacity);
    gl.bindVertexArray(this.#vao);
    gl.drawArrays(gl.POINTS, first, end - first);
    gl.bindVertexArray(null);
  }

  /** Every point splatted on the CPU into an image of the drawing buffer's size, shown as one quad. */
  #drawSplat(s: DrawState): void {
    const gl = this.#gl;
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    const resized = this.#image.length !== 4 * w * h;
    if (resized) this.#image = new Uint8ClampedArray(4 * w * h);
    splatPoints(this.#image, w, h, this.#from, this.#to, this.#rgba, { from: s.from, to: s.to, mix: s.mix, sizePx: s.pointSize * this.#dpr, opacity: s.opacity, count: s.count });
    gl.bindTexture(gl.TEXTURE_2D, this.#texture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    const pixels = new Uint8Array(this.#image.buffer, this.#image.byteOffset, this.#image.length);
    // allocated once per canvas size, then overwritten in place
    if (resized || this.#textureSize !== `${w}x${h}`) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      this.#textureSize = `${w}x${h}`;
    } else gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    gl.disable(gl.BLEND);
    gl.useProgram(this.#quadProg);
    gl.uniform1i(gl.getUniformLocation(this.#quadProg, 'u_image'), 0);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindVertexArray(this.#quadVao);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.bindVertexArray(null);
    gl.bindTexture(gl.TEXTURE_2D, null);
  }
}

/** Software fallback: writes pixels directly (square points), enough to see and test the map. */
class CanvasPoints implements PointRenderer {
  readonly mode = 'canvas2d' as const;
  readonly software = true;
  readonly #ctx: CanvasRenderingContext2D;
  #from: Float32Array = new Float32Array(0);
  #to: Float32Array = new Float32Array(0);
  #rgba: Uint8Array = new Uint8Array(0);
  #dpr = 1;
  #img: ImageData | null = null;

  constructor(ctx: CanvasRenderingContext2D) {
    this.#ctx = ctx;
  }
  setPositions(from: Float32Array, to: Float32Array): void {
    this.#from = from;
    this.#to = to;
  }
  setColours(rgba: Uint8Array): void {
    this.#rgba = rgba;
  }
  resize(w: number, h: number, dpr: number): void {
    this.#ctx.canvas.width = Math.max(1, Math.round(w * dpr));
    this.#ctx.canvas.height = Math.max(1, Math.round(h * dpr));
    this.#dpr = dpr;
  }
  draw(s: DrawState): void {
    const { width, height } = this.#ctx.canvas;
    if (s.splat) {
      if (!this.#img || this.#img.width !== width || this.#img.height !== height) this.#img = this.#ctx.createImageData(width, height);
      splatPoints(this.#img.data, width, height, this.#from, this.#to, this.#rgba, { from: s.from, to: s.to, mix: s.mix, sizePx: s.pointSize * this.#dpr, opacity: s.opacity, count: s.count });
      unpremultiply(this.#img.data);
      this.#ctx.putImageData(this.#img, 0, 0);
      return;
    }
    // Kept between draws so that a range can be added to what is drawn.
    if ((s.clear ?? true) || !this.#img || this.#img.width !== width || this.#img.height !== height) this.#img = this.#ctx.createImageData(width, height);
    const img = this.#img;
    const px = img.data;
    const size = Math.max(1, Math.round(s.pointSize * this.#dpr));
    const half = size >> 1;
    const { first, end } = drawRange(s, Math.min(this.#to.length / 2, this.#rgba.length / 4));
    for (let i = first; i < end; i++) {
      const a = (this.#rgba[4 * i + 3]! / 255) * s.opacity;
      if (a <= 0) continue;
      const x0 = this.#from[2 * i]! * s.from.sx + s.from.tx;
      const y0 = this.#from[2 * i + 1]! * s.from.sy + s.from.ty;
      const x1 = this.#to[2 * i]! * s.to.sx + s.to.tx;
      const y1 = this.#to[2 * i + 1]! * s.to.sy + s.to.ty;
      const cx = Math.round(((x0 + (x1 - x0) * s.mix + 1) / 2) * width) - half;
      const cy = Math.round(((1 - (y0 + (y1 - y0) * s.mix)) / 2) * height) - half;
      for (let dy = 0; dy < size; dy++) {
        const y = cy + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = 0; dx < size; dx++) {
          const x = cx + dx;
          if (x < 0 || x >= width) continue;
          const o = 4 * (y * width + x);
          for (let c = 0; c < 3; c++) px[o + c] = px[o + c]! * (1 - a) + this.#rgba[4 * i + c]! * a;
          px[o + 3] = Math.min(255, px[o + 3]! + a * 255 * (1 - px[o + 3]! / 255));
        }
      }
    }
    this.#ctx.putImageData(img, 0, 0);
  }
}

/** Premultiplied RGBA8 → straight alpha, in place (what putImageData takes). */
function unpremultiply(px: Uint8ClampedArray): void {
  for (let o = 0; o < px.length; o += 4) {
    const a = px[o + 3]!;
    if (a === 0 || a === 255) continue;
    const k = 255 / a;
    px[o] = px[o]! * k;
    px[o + 1] = px[o + 1]! * k;
    px[o + 2] = px[o + 2]! * k;
  }
}

export function createPointRenderer(canvas: HTMLCanvasElement): PointRenderer {
  const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: true, preserveDrawingBuffer: true });
  if (gl) {
    try {
      return new GlPoints(gl);
    } catch (e) {
      console.warn('WebGL2 points failed, using the Canvas 2D fallback', e);
    }
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser supports neither WebGL2 nor Canvas 2D');
  return new CanvasPoints(ctx);
}
