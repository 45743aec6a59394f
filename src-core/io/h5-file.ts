/**
 * An HDF5 file (AnnData .h5ad or Cell Ranger .h5), opened, read and closed, with every failure
 * reported as an InputError naming the file. Runs inside the HDF5 worker thread (h5-worker.ts).
 */
import type { AnnotatedDataset } from './features.js';
import { asInputError, closeQuietly, openH5 } from './h5.js';
import { readOpenH5ad, type H5adOptions } from './h5ad.js';
import type { ReadContext } from './read-control.js';
import { isTenxH5, readOpenTenxH5, type TenxH5Options } from './tenx-h5.js';

export type Hdf5Options = H5adOptions & TenxH5Options;

export async function readHdf5File(path: string, options: Hdf5Options, ctx: ReadContext): Promise<AnnotatedDataset> {
  const f = await openH5(path);
  try {
    if (isTenxH5(f)) {
      const ds = await readOpenTenxH5(f, path, options.genome !== undefined ? { genome: options.genome } : {}, ctx);
      if (options.layer || options.useRaw) (ds.source.notes as string[]).push('layer/raw options ignored: they apply to .h5ad files');
      return ds;
    }
    return await readOpenH5ad(f, path, options, ctx);
  } catch (e) {
    return asInputError(e, path);
  } finally {
    closeQuietly(f);
  }
}
