// Placement vs embedding on the full HSMM map (docs/interpolation.md §6, item 1): node bench/interpolation/placement-error.mjs. Needs `npm run build`.
import { initBackend } from '../../dist/src-core/compute/backend.js';
import { installNodeEngines } from '../../dist/src-core/compute/node-engines.js';
import { openDataset } from '../../dist/src-core/io/open.js';
import { EmbeddingPipeline } from '../../dist/src-core/pipeline/pipeline.js';
import { timeCourse } from '../../dist/src-core/interpolate/time-points.js';
import { gatherRows } from '../../dist/src-core/interpolate/costs.js';
import { wasserstein1, wasserstein2 } from '../../dist/src-core/interpolate/metrics.js';
import { placeByKnn } from '../../dist/src-core/interpolate/place.js';
installNodeEngines();
await initBackend('auto');
const ds = await openDataset(new URL('../../test/fixtures/data/hsmm/hsmm.h5ad', import.meta.url).pathname);
const X = ds.obsm['X_pca_exact']; const n = X.nRows, dim = X.nCols, pcs = X.data;
const L = timeCourse(ds.obs.find(c => c.name === 'time')).levels;
const full = (await new EmbeddingPipeline(Float32Array.from(pcs), n, dim).run({seed:0})).coords;
const all = Int32Array.from({length:n},(_, i)=>i);
const m=[0,0],s=[0,0];for(let r=0;r<n;r++)for(let c=0;c<2;c++)m[c]+=full[r*2+c]/n;for(let r=0;r<n;r++)for(let c=0;c<2;c++)s[c]+=(full[r*2+c]-m[c])**2/n;s[0]=Math.sqrt(s[0]);s[1]=Math.sqrt(s[1]);
const Z=(p)=>{const o=new Float64Array(p.length);for(let i=0;i<p.length;i+=2){o[i]=(p[i]-m[0])/s[0];o[i+1]=(p[i+1]-m[1])/s[1];}return o;};
const spread=(p,k)=>{let mx=0,my=0;for(let i=0;i<k;i++){mx+=p[2*i]/k;my+=p[2*i+1]/k;}let v=0;for(let i=0;i<k;i++)v+=((p[2*i]-mx)**2+(p[2*i+1]-my)**2)/k;return Math.sqrt(v);};
for (const iT of [1,2]) {
  const T = L[iT].cells; const inT=new Uint8Array(n); for(const c of T) inT[c]=1;
  const ref = all.filter(i=>!inT[i]);
  const emb = Z(gatherRows(full,2,T));
  for (const K of [1,3,5,10,20]) { const pl = Z(placeByKnn(gatherRows(pcs,dim,T), T.length, gatherRows(pcs,dim,ref), ref.length, dim, gatherRows(full,2,ref), 2, {k:K,decay:40}));
  const truth={points:emb,n:T.length};
  console.log(L[iT].label, 'placed(T) vs embedded(T) in the full map: W1', wasserstein1({points:pl,n:T.length},truth,2).toFixed(3), 'W2', wasserstein2({points:pl,n:T.length},truth,2).toFixed(3), 'spread embedded', spread(emb,T.length).toFixed(3), 'placed', spread(pl,T.length).toFixed(3), "k", K); }
}
