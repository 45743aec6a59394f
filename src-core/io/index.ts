/** Public surface of the readers: hosts call `openDataset`; the rest is for tests and tools. */
export { openDataset, type OpenOptions } from './open.js';
export { sniffBytes, describeFormat, type SniffedFormat } from './sniff.js';
export { featureIdsOf, featureSymbolsOf, type AnnotatedDataset, type FeatureAnnotations } from './features.js';
export { readH5ad, type H5adOptions } from './h5ad.js';
export { readTenxFolder, readMtxFile, type TenxFolderOptions } from './tenx-mtx.js';
export { readTenxH5, type TenxH5Options } from './tenx-h5.js';
export { readArrow } from './arrow.js';
export { readParquet } from './parquet.js';
export { type TableLayoutOptions } from './table-layout.js';
