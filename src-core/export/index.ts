/** Public surface of the export stage (Node only: uses node:fs). */
export { writeFileAtomic, withAtomicFile, assertWritableDestination, OVERWRITE_REFUSED } from './atomic-write.js';
export { writtenByIsotherm, looksWrittenByIsotherm, SVG_MARK, PNG_SOFTWARE } from './isotherm-files.js';
export type { AtomicWriteOptions, Chunk, ChunkSource, WriteReport } from './atomic-write.js';
export type { EmbeddingTable } from './embedding-table.js';
export { writeEmbeddingCsv, embeddingCsvChunks, csvColumns } from './csv-write.js';
export type { CsvWriteOptions, CsvWriteReport } from './csv-write.js';
export { csvField, formatFloat32, formatFloat64, uniqueNames } from './format.js';
export { sha256File } from './checksum.js';
export type { FileChecksum } from './checksum.js';
export { buildSidecar, writeSidecar, sidecarPathFor, isothermVersion } from './sidecar.js';
export type { JsonValue, Sidecar, SidecarInput } from './sidecar.js';
export { writeH5adWithEmbedding, DEFAULT_OBSM_KEY } from './h5ad-write.js';
export type { H5adWriteOptions, H5adWriteReport } from './h5ad-write.js';
export { embeddingArrowTable, writeEmbeddingArrow, writeEmbeddingParquet } from './arrow-write.js';
export { markPng } from './png-mark.js';
