// Sensitivity sweep (docs/interpolation.md §6, item 4): node bench/interpolation/sweep.mjs '[{},{"embed":{"preset":"phate"}},{"k":20},{"noZ":true}]' out.json. Needs `npm run build`.
import { initBackend } from '../../dist/src-core/compute/backend.js';
import { installNodeEngines } from '../../dist/src-core/compute/node-engines.js';
import { openDataset } from '../../dist/src-core/io/open.js';
import { EmbeddingPipeline } from '../../dist/src-core/pipeline/pipeline.js';
import { timeCourse } from '../../dist/src-core/interpolate/time-points.js';
import { gatherRows, squaredEuclideanCost } from '../../dist/src-core/interpolate/costs.js';
import { transport } from '../../dist/src-core/interpolate/transport.js';
import { interpolantMeasure, sampleInterpolant } from '../../dist/src-core/interpolate/displacement.js';
import { wasserstein1, wasserstein2 } from '../../dist/src-core/interpolate/metrics.js';
import { placeByKnn } from '../../dist/src-core/interpolate/place.js';
import { createRng } from '../../dist/src-core/linalg/random.js';
import { writeFileSync } from 'node:fs';
installNodeEngines();
await initBackend('cpu').catch(()=>initBackend('auto'));
const ds = await openDataset(new URL('../../test/fixtures/data/hsmm/hsmm.h5ad', import.meta.url).pathname);
const X = ds.obsm['X_pca_exact']; const n = X.nRows, dim = X.nCols, pcs = X.data;
const course = timeCourse(ds.obs.find(c => c.name === 'time'));
const L = course.levels;
const configs = JSON.parse(process.argv[2] ?? '[{}]');
const out = [];
function zs(coords, rows){const m=[0,0],s=[0,0];for(const r of rows)for(let c=0;c<2;c++)m[c]+=coords[r*2+c];m[0]/=rows.length;m[1]/=rows.length;for(const r of rows)for(let c=0;c<2;c++)s[c]+=(coords[r*2+c]-m[c])**2;s[0]=Math.sqrt(s[0]/rows.length);s[1]=Math.sqrt(s[1]/rows.length);return (p)=>{const o=new Float64Array(p.length);for(let i=0;i<p.length;i+=2){o[i]=(p[i]-m[0])/s[0];o[i+1]=(p[i+1]-m[1])/s[1];}return o;};}
for (const cfg of configs) {
  for (const iT of [1, 2]) {
    const A = L[iT-1].cells, T = L[iT].cells, B = L[iT+1].cells;
    const inT = new Uint8Array(n); for (const c of T) inT[c]=1;
    const train = Int32Array.from({length:n},(_, i)=>i).filter(i=>!inT[i]);
    const trainPcs = gatherRows(pcs, dim, train);
    const t0=performance.now();
    const res = await new EmbeddingPipeline(Float32Array.from(trainPcs), train.length, dim).run({ ...(cfg.embed ?? {}), seed: 0 });
    const ms = performance.now()-t0;
    const k = cfg.k ?? 10;
    const placeRaw = (x, cnt) => placeByKnn(x, cnt, trainPcs, train.length, dim, res.coords, 2, { k, decay: 40 });
    const all = new Float64Array(n*2); train.forEach((row,r)=>{all[row*2]=res.coords[r*2];all[row*2+1]=res.coords[r*2+1];});
    const pT = placeRaw(gatherRows(pcs,dim,T), T.length); T.forEach((row,r)=>{all[row*2]=pT[r*2];all[row*2+1]=pT[r*2+1];});
    const Z = cfg.noZ ? (p)=>Float64Array.from(p) : zs(all, train);
    const Y = Z(all);
    const place = (x,cnt)=>Z(placeRaw(x,cnt));
    const yA = gatherRows(Y,2,A), yB=gatherRows(Y,2,B), yT=gatherRows(Y,2,T);
    const truth={points:yT,n:T.length};
    const sc = (p)=>[wasserstein1(p,truth,2), wasserstein2(p,truth,2)].map(v=>+v.toFixed(3));
    const row = { cfg: JSON.stringify(cfg), T: L[iT].label, t: +res.heat.t.toFixed(3), ms: Math.round(ms) };
    // map OT exact & sinkhorn
    const cm = squaredEuclideanCost(yA,A.length,yB,B.length,2);
    const pm = transport(cm,A.length,B.length,{method:'exact'}).plan;
    const im = interpolantMeasure(yA,yB,2,pm,0.5); row.otMap = sc({points:im.points,n:im.n,weights:im.weights});
    const pms = transport(cm,A.length,B.length,{method:'sinkhorn',relativeEpsilon:0.1}).plan;
    const ims = interpolantMeasure(yA,yB,2,pms,0.5); row.otMapSk = sc({points:ims.points,n:ims.n,weights:ims.weights});
    // PC OT placed
    const pA=gatherRows(pcs,dim,A), pB=gatherRows(pcs,dim,B);
    const cp = squaredEuclideanCost(pA,A.length,pB,B.length,dim);
    const pp = transport(cp,A.length,B.length,{method:'exact'}).plan;
    const ip = interpolantMeasure(pA,pB,dim,pp,0.5); row.otPc = sc({points:place(ip.points,ip.n),n:ip.n,weights:ip.weights});
    const pps = transport(cp,A.length,B.length,{method:'sinkhorn',relativeEpsilon:0.1}).plan;
    const ips = interpolantMeasure(pA,pB,dim,pps,0.5); row.otPcSk = sc({points:place(ips.points,ips.n),n:ips.n,weights:ips.weights});
    // sampled, N_T vs 10 N_T, seeds 0..4
    for (const mult of [1, 10]) {
      const v=[];
      for (let s=0;s<5;s++){const sm=sampleInterpolant(pA,pB,dim,pp,0.5,T.length*mult,7919*s+1); v.push(sc({points:place(sm.points,T.length*mult),n:T.length*mult}));}
      row['otPcS'+mult] = [0,1].map(j=>+(v.reduce((a,x)=>a+x[j],0)/5).toFixed(3));
    }
    // (b) linear, random pairs, 5 seeds
    const vb=[];
    for (let s=0;s<5;s++){const rng=createRng(104729*s+3);const sh=(m)=>{const p=Int32Array.from({length:m},(_, i)=>i);for(let i=m-1;i>0;i--){const j=rng.int(i+1);[p[i],p[j]]=[p[j],p[i]];}return p;};const pa=sh(A.length),pb=sh(B.length);const lin=new Float64Array(T.length*dim);for(let q=0;q<T.length;q++){const a=A[pa[q%A.length]],b=B[pb[q%B.length]];for(let c=0;c<dim;c++)lin[q*dim+c]=0.5*pcs[a*dim+c]+0.5*pcs[b*dim+c];}vb.push(sc({points:place(lin,T.length),n:T.length}));}
    row.linB = [0,1].map(j=>+(vb.reduce((a,x)=>a+x[j],0)/5).toFixed(3));
    row.nearA = sc({points:yA,n:A.length}); row.nextB = sc({points:yB,n:B.length});
    out.push(row); console.log(JSON.stringify(row));
  }
}
writeFileSync(process.argv[3] ?? 'sweep.json', JSON.stringify(out,null,1));
