// HSMM strict-protocol figure (docs/interpolation.md §6): node bench/interpolation/figure.mjs 2 docs/figures/interpolation-hsmm-48h-strict.svg (1 = 24 h). Needs `npm run build`.
// Figure: HSMM strict map without T (24h or 48h); truth (placed T) vs predictions. Writes SVG.
import { initBackend } from '../../dist/src-core/compute/backend.js';
import { installNodeEngines } from '../../dist/src-core/compute/node-engines.js';
import { openDataset } from '../../dist/src-core/io/open.js';
import { EmbeddingPipeline } from '../../dist/src-core/pipeline/pipeline.js';
import { timeCourse } from '../../dist/src-core/interpolate/time-points.js';
import { gatherRows, squaredEuclideanCost } from '../../dist/src-core/interpolate/costs.js';
import { transport } from '../../dist/src-core/interpolate/transport.js';
import { interpolantMeasure } from '../../dist/src-core/interpolate/displacement.js';
import { wasserstein1, wasserstein2 } from '../../dist/src-core/interpolate/metrics.js';
import { placeByKnn } from '../../dist/src-core/interpolate/place.js';
import { createRng } from '../../dist/src-core/linalg/random.js';
import { writeFileSync } from 'node:fs';
installNodeEngines();
await initBackend('auto');
const ds = await openDataset(new URL('../../test/fixtures/data/hsmm/hsmm.h5ad', import.meta.url).pathname);
const X = ds.obsm['X_pca_exact']; const n = X.nRows, dim = X.nCols, pcs = X.data;
const L = timeCourse(ds.obs.find(c => c.name === 'time')).levels;
const iT = Number(process.argv[2] ?? 2);
const A = L[iT-1].cells, T = L[iT].cells, B = L[iT+1].cells;
const inT = new Uint8Array(n); for (const c of T) inT[c]=1;
const train = Int32Array.from({length:n},(_, i)=>i).filter(i=>!inT[i]);
const trainPcs = gatherRows(pcs, dim, train);
const res = await new EmbeddingPipeline(Float32Array.from(trainPcs), train.length, dim).run({ seed: 0 });
const placeRaw = (x, cnt) => placeByKnn(x, cnt, trainPcs, train.length, dim, res.coords, 2, { k: 10, decay: 40 });
const all = new Float64Array(n*2); train.forEach((row,r)=>{all[row*2]=res.coords[r*2];all[row*2+1]=res.coords[r*2+1];});
const pT = placeRaw(gatherRows(pcs,dim,T), T.length); T.forEach((row,r)=>{all[row*2]=pT[r*2];all[row*2+1]=pT[r*2+1];});
const m=[0,0],s=[0,0];for(const r of train)for(let c=0;c<2;c++)m[c]+=all[r*2+c];m[0]/=train.length;m[1]/=train.length;for(const r of train)for(let c=0;c<2;c++)s[c]+=(all[r*2+c]-m[c])**2;s[0]=Math.sqrt(s[0]/train.length);s[1]=Math.sqrt(s[1]/train.length);
const Z=(p)=>{const o=new Float64Array(p.length);for(let i=0;i<p.length;i+=2){o[i]=(p[i]-m[0])/s[0];o[i+1]=(p[i+1]-m[1])/s[1];}return o;};
const Y = Z(all); const place=(x,c)=>Z(placeRaw(x,c));
const yA = gatherRows(Y,2,A), yB=gatherRows(Y,2,B), yT=gatherRows(Y,2,T);
const truth={points:yT,n:T.length};
const sc=(p)=>`W1 ${wasserstein1(p,truth,2).toFixed(2)}, W2 ${wasserstein2(p,truth,2).toFixed(2)}`;
const pm = transport(squaredEuclideanCost(yA,A.length,yB,B.length,2),A.length,B.length,{method:'exact'}).plan;
const om = interpolantMeasure(yA,yB,2,pm,0.5);
const pA=gatherRows(pcs,dim,A), pB=gatherRows(pcs,dim,B);
const pp = transport(squaredEuclideanCost(pA,A.length,pB,B.length,dim),A.length,B.length,{method:'exact'}).plan;
const ip = interpolantMeasure(pA,pB,dim,pp,0.5); const opc = place(ip.points, ip.n);
const rng=createRng(3);const sh=(k)=>{const p=Int32Array.from({length:k},(_, i)=>i);for(let i=k-1;i>0;i--){const j=rng.int(i+1);[p[i],p[j]]=[p[j],p[i]];}return p;};const pa=sh(A.length),pb=sh(B.length);
const lin=new Float64Array(T.length*dim);for(let q=0;q<T.length;q++){const a=A[pa[q%A.length]],b=B[pb[q%B.length]];for(let c=0;c<dim;c++)lin[q*dim+c]=0.5*pcs[a*dim+c]+0.5*pcs[b*dim+c];}
const lb = place(lin, T.length);
// neighbour composition of T cells in PC space
const W=330,H=330,pad=18; let x0=Infinity,x1=-Infinity,y0=Infinity,y1=-Infinity; for(let i=0;i<n;i++){x0=Math.min(x0,Y[2*i]);x1=Math.max(x1,Y[2*i]);y0=Math.min(y0,Y[2*i+1]);y1=Math.max(y1,Y[2*i+1]);}
const span=Math.max(x1-x0,y1-y0); const X_=(v)=>pad+(v-x0)/span*(W-2*pad), Y_=(v)=>H-pad-(v-y0)/span*(H-2*pad);
const col={[L[0].label]:'#c9c9d6'}; const colours=['#9ab','#1b9e77','#d95f02','#7570b3'];
const bg=()=>{let o='';for(const r of train){const lv=L.findIndex(l=>l.cells.includes(r));const c=lv===iT-1?'#1b9e77':lv===iT+1?'#7570b3':'#d0d0da';o+=`<circle cx="${X_(Y[2*r]).toFixed(1)}" cy="${Y_(Y[2*r+1]).toFixed(1)}" r="2.2" fill="${c}" fill-opacity="0.7"/>`;}return o;};
const dots=(p,k,c,r=2.6)=>{let o='';for(let i=0;i<k;i++)o+=`<circle cx="${X_(p[2*i]).toFixed(1)}" cy="${Y_(p[2*i+1]).toFixed(1)}" r="${r}" fill="none" stroke="${c}" stroke-width="1.2"/>`;return o;};
const tri=(p,k)=>{let o='';for(let i=0;i<k;i++){const x=X_(p[2*i]),y=Y_(p[2*i+1]);o+=`<path d="M${(x-2.5).toFixed(1)},${(y+2).toFixed(1)}L${(x+2.5).toFixed(1)},${(y+2).toFixed(1)}L${x.toFixed(1)},${(y-2.5).toFixed(1)}Z" fill="#d95f02"/>`;}return o;};
const panels=[
 [`true ${L[iT].label} (placed, ▲) over ${L[iT-1].label} (green) / ${L[iT+1].label} (purple)`, tri(yT,T.length)],
 [`OT in the map, μ_α (○): ${sc({points:om.points,n:om.n,weights:om.weights})}`, tri(yT,T.length)+dots(om.points,om.n,'#000')],
 [`OT in PC space, placed (○): ${sc({points:opc,n:ip.n,weights:ip.weights})}`, tri(yT,T.length)+dots(opc,ip.n,'#000')],
 [`(b) linear PCA, placed (○): ${sc({points:lb,n:T.length})}`, tri(yT,T.length)+dots(lb,T.length,'#000')],
];
let svg=`<svg xmlns="http://www.w3.org/2000/svg" width="${W*2}" height="${(H+22)*2}" font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#fff"/>`;
panels.forEach(([title,body],k)=>{const ox=(k%2)*W, oy=Math.floor(k/2)*(H+22);svg+=`<g transform="translate(${ox},${oy})"><text x="8" y="14">${title}</text><g transform="translate(0,18)"><rect x="1" y="1" width="${W-2}" height="${H-2}" fill="none" stroke="#ccd"/>${bg()}${body}</g></g>`;});
svg+='</svg>';
writeFileSync(process.argv[3], svg);
console.log('wrote', process.argv[3]);
