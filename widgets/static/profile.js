function e(t,a={},...s){let n=document.createElement(t);for(let[r,i]of Object.entries(a))i==null||i===!1||(r.startsWith("on")?n.addEventListener(r.slice(2),i):r==="class"?n.className=i:r in n&&typeof i!="string"?n[r]=i:n.setAttribute(r,i===!0?"":String(i)));for(let r of s.flat())r==null||r===!1||n.append(r instanceof Node?r:document.createTextNode(String(r)));return n}var h=`
.bn-insights, .bn-profile { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
.bn-insights h2, .bn-profile h2 { font-size: 16px; margin: 4px 0 8px; }
.bn-insight-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.bn-insight { border: 1px solid #cbd2d9; border-radius: 8px; padding: 10px 12px; background: #fff; }
.bn-insight.bn-weak { border-style: dashed; background: #fafbfc; }
.bn-insight-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-bottom: 4px; }
.bn-insight-kind { font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #3e4c59; }
.bn-score { font-variant-numeric: tabular-nums; font-size: 12px; font-weight: 600; border-radius: 10px; padding: 1px 8px;
  background: #e4e7eb; color: #1f2933; }
.bn-score.bn-strong { background: #1d4ed8; color: #fff; }
.bn-insight p { margin: 0 0 6px; }
.bn-insight-chart { min-height: 100px; overflow-x: auto; }
.bn-empty-note { color: #52606d; }
.bn-profile-wrap { overflow-x: auto; }
.bn-profile table { border-collapse: collapse; font-size: 13px; }
.bn-profile .bn-clip { display: inline-block; max-width: 100px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  vertical-align: bottom; }
.bn-profile caption { text-align: left; padding: 4px 0 8px; color: #3e4c59; }
.bn-profile th, .bn-profile td { padding: 4px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
.bn-profile th { background: #f5f7fa; font-weight: 600; white-space: nowrap; }
.bn-profile td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bn-profile .bn-type { color: #52606d; font-size: 12px; }
.bn-qbar { display: flex; width: 110px; height: 10px; border-radius: 3px; overflow: hidden; background: #e4e7eb; margin-top: 3px; }
.bn-qbar span { display: block; height: 100%; }
.bn-q-valid { background: #2f855a; } .bn-q-empty { background: #d69e2e; } .bn-q-error { background: #c53030; }
.bn-q-null { background: #a0aec0; }
.bn-topvals { display: grid; grid-template-columns: 120px 50px 40px; gap: 2px 6px; font-size: 12px; }
.bn-tv-pct { text-align: right; font-variant-numeric: tabular-nums; color: #52606d; }
.bn-topvals .bn-tv-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bn-tv-bar { background: #e4e7eb; height: 10px; border-radius: 2px; margin-top: 3px; }
.bn-tv-bar span { display: block; height: 100%; background: #2f6fde; border-radius: 2px; }
.bn-pattern { display: inline-block; font-size: 11px; border: 1px solid #9aa5b1; border-radius: 8px; padding: 0 6px; }
`;function d(){if(document.getElementById("bn-insights-style"))return;let t=document.createElement("style");t.id="bn-insights-style",t.textContent=h,document.head.append(t)}var o=(t,a=2)=>t==null?"":typeof t=="number"?Number.isInteger(t)?t.toLocaleString("en-US"):t.toLocaleString("en-US",{maximumFractionDigits:a}):String(t);var f=(t,a)=>a?100*t/a:0;function v(t){let a=t.total_rows||0,s=[["valid",t.valid_rows],["empty",t.empty_rows],["error",t.error_rows],["null",t.null_rows]],n=s.map(([r,i])=>`${r} ${f(i,a).toFixed(1)}%`).join(", ");return e("div",{},e("span",{},`${t.quality_percent.toFixed(1)}%`),e("div",{class:"bn-qbar",role:"img","aria-label":`Quality: ${n}`},s.filter(([,r])=>r>0).map(([r,i])=>e("span",{class:`bn-q-${r}`,style:`width:${f(i,a)}%`}))))}function w(t){let a=(t.value_distribution||[]).slice(0,5),s=Math.max(...a.map(n=>n.percent),1e-9);return e("div",{class:"bn-topvals",role:"list","aria-label":`Top values of ${t.column_name}`},a.flatMap(n=>[e("span",{class:"bn-tv-label",role:"listitem",title:String(n.value),"aria-label":`${o(n.value)}: ${n.percent.toFixed(1)}%`},o(n.value)),e("div",{class:"bn-tv-bar","aria-hidden":"true"},e("span",{style:`width:${100*n.percent/s}%`})),e("span",{class:"bn-tv-pct","aria-hidden":"true"},`${n.percent.toFixed(1)}%`)]))}var b=[["Column",t=>[e("div",{},t.column_name),e("div",{class:"bn-type"},`${t.kind} \xB7 ${t.data_type}`)]],["Quality",v],["Distinct",t=>o(t.distinct_count),!0],["Unique %",t=>`${t.unique_percent.toFixed(1)}%`,!0],["Min",t=>e("span",{class:"bn-clip",title:o(t.min_value)},o(t.min_value)),!0],["Max",t=>e("span",{class:"bn-clip",title:o(t.max_value)},o(t.max_value)),!0],["Mean",t=>o(t.mean),!0],["Median",t=>o(t.median),!0],["Std dev",t=>o(t.std_dev),!0],["Length",t=>t.min_length===null||t.min_length===void 0?"":`${t.min_length}\u2013${t.max_length} (avg ${o(t.avg_length,1)})`,!0],["Top values",w],["Pattern",t=>t.pattern?e("span",{class:"bn-pattern"},t.pattern):""]];function y({model:t,el:a}){d();let s=e("section",{class:"bn-profile"});a.append(s);function n(){let r=t.get("columns")||[],i=`${t.get("table")}: ${o(t.get("row_count"))} rows \xB7 quality ${t.get("quality").toFixed(1)}% \xB7 profiled in ${t.get("seconds").toFixed(2)} s`;s.setAttribute("aria-label",`Data profile of ${t.get("table")}`);let g=e("table",{},e("caption",{},i),e("thead",{},e("tr",{},b.map(([l,,p])=>e("th",{scope:"col",class:p?"num":""},l)))),e("tbody",{},r.map(l=>e("tr",{"data-column":l.column_name},b.map(([p,u,x],m)=>m===0?e("th",{scope:"row"},u(l)):e("td",{class:x?"num":"","data-stat":p},u(l))))))),c=t.get("error");s.replaceChildren(e("h2",{},"Data profile"),c?e("div",{class:"bn-error",role:"alert"},c):e("div",{class:"bn-profile-wrap"},g))}n(),t.on("change:columns",n),t.on("change:error",n)}var q={render:y};export{q as default};
