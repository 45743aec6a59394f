/**
 * The few DOM shapes the e2e tests use inside page.evaluate / waitForFunction. The root tsconfig has no
 * DOM lib (src-core must not touch the DOM), so each test file declares `document` with these types.
 */
export interface MiniElement {
  readonly textContent: string | null;
  /** Form controls. */
  readonly value?: string;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}
export interface MiniCanvas extends MiniElement {
  width: number;
  height: number;
  readonly clientWidth: number;
  getContext(kind: '2d'): MiniContext2D | null;
}
export interface MiniContext2D {
  drawImage(image: MiniCanvas, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { readonly data: Uint8ClampedArray };
}
export interface MiniDocument {
  querySelector(selector: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement>;
  createElement(tag: 'canvas'): MiniCanvas;
}
