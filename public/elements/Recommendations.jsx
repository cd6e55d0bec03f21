// Compass recommendations: the ranked options with predicted p95 latencies, cost and where the numbers come
// from, with buttons that ask the agent to select, explain, compare or deploy an option, and what-if chips.
// Every button sends an ordinary message (ui/phrases.py). Props come from ui/views.py: recommendations_props().
import { useState } from "react";
import { Button } from "@/components/ui/button";

const S = {
  wrap: { border: "1px solid hsl(var(--border))", borderRadius: 8, padding: "8px 10px", fontSize: 12.5, overflowX: "auto" },
  table: { borderCollapse: "collapse", width: "100%", whiteSpace: "nowrap" },
  th: { textAlign: "left", padding: "4px 4px", fontWeight: 600, fontSize: 11.5, color: "hsl(var(--muted-foreground))",
        borderBottom: "1px solid hsl(var(--border))" },
  td: { padding: "3px 4px", borderBottom: "1px solid hsl(var(--border))", verticalAlign: "middle" },
  num: { textAlign: "right", fontVariantNumeric: "tabular-nums" },
  small: { height: 24, padding: "0 8px", fontSize: 12 },
  link: { height: 22, padding: "0 5px", fontSize: 12 },
  bar: { display: "flex", flexWrap: "wrap", gap: 6, alignItems: "center", marginTop: 8 },
  muted: { color: "hsl(var(--muted-foreground))", fontSize: 12 },
};
const PROVENANCE = {
  measured: { background: "#dcfce7", color: "#166534" },
  interpolated: { background: "#dbeafe", color: "#1e40af" },
  estimated: { background: "#fef3c7", color: "#92400e" },
};
const pill = (style) => ({ ...style, borderRadius: 10, padding: "0 7px", fontSize: 11 });
// Colours say one thing each: red = a latency that misses its SLO, amber = a cost over the budget.
const MISS = "#dc2626", OVER = "#b45309";
const short = (model) => model.split("/").pop();

// Every number arrives as text, rounded once in Python (ui/views.py): the table shows what the chart and the
// what-if show.
function Latency({ text, met, target }) {
  const style = { ...S.td, ...S.num, color: met === false ? MISS : undefined, fontWeight: met === false ? 600 : undefined };
  return <td style={style} title={target ? `target ${target} ms${met === false ? " (missed)" : ""}` : ""}>{text}</td>;
}

export default function Recommendations() {
  const rows = props.rows || [];
  const [picked, setPicked] = useState([]);
  const toggle = (rank) => setPicked((p) => (p.includes(rank) ? p.filter((r) => r !== rank) : [...p, rank].slice(-2)));
  const compare = () => {
    const [a, b] = [...picked].sort((x, y) => x - y);
    sendUserMessage(props.compare_template.replace("{a}", a).replace("{b}", b));
  };
  const t = props.target_text || {};
  return (
    <div data-testid="recommendations" style={S.wrap}>
      <div style={{ ...S.muted, marginBottom: 4 }}>
        <strong style={{ color: "hsl(var(--foreground))", fontSize: 13 }}>Ranked options</strong> (p95 predictions) · {props.workload}
        {props.budget_text ? ` · budget ${props.budget_text}/month` : ""}
      </div>
      <div data-testid="rec-legend" style={{ ...S.muted, marginBottom: 4 }}>
        ★ Pareto-optimal: no other option is cheaper, faster and at least as good (ringed in the chart) ·{" "}
        <span style={{ color: MISS, fontWeight: 600 }}>red</span> latency: misses its SLO ·{" "}
        {props.budget_text ? <><span style={{ color: OVER, fontWeight: 600 }}>amber</span> cost: over the budget · </> : null}
        $/M out: per million output tokens at the average load
        {props.quality_scale ? ` · quality: ${props.quality_scale}` : ""}
      </div>
      <table style={S.table}>
        <thead>
          <tr>
            <th style={S.th} title="pick two to compare">⇄</th>
            <th style={S.th}>#</th><th style={S.th}>model</th><th style={S.th}>precision</th>
            <th style={S.th} title="GPUs in all (tensor parallel per replica)">GPU × count</th><th style={S.th} title="replicas at peak (autoscaling floor–ceiling)">replicas</th>
            <th style={{ ...S.th, ...S.num }} title={`p95 time to first token; target ${t.ttft} ms`}>TTFT ms</th>
            <th style={{ ...S.th, ...S.num }} title={`p95 inter-token latency; target ${t.itl} ms`}>ITL ms</th>
            <th style={{ ...S.th, ...S.num }} title={`p95 end-to-end latency; target ${t.e2e} ms`}>E2E ms</th>
            <th style={{ ...S.th, ...S.num }}>$/month</th><th style={{ ...S.th, ...S.num }} title="dollars per million output tokens at the average load">$/M out</th>
            <th style={{ ...S.th, ...S.num }} title={props.quality_scale || ""}>quality</th>
            <th style={S.th} title="measured: benchmarked here; interpolated: between benchmarks; estimated: by the performance model">source</th><th style={S.th}></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.rank} data-testid={`rec-row-${r.rank}`} data-e2e={r.text.e2e}
                style={{ background: props.selected === r.rank ? "hsl(var(--accent))" : undefined }} title={r.rationale}>
              <td style={S.td}><input type="checkbox" data-testid={`rec-pick-${r.rank}`} checked={picked.includes(r.rank)} onChange={() => toggle(r.rank)} /></td>
              <td style={S.td} title={r.pareto ? "Pareto-optimal" : ""}>{r.rank}{r.pareto ? " ★" : ""}</td>
              <td style={{ ...S.td, fontWeight: 600 }} title={r.model}>{short(r.model)}</td>
              <td style={S.td}>{r.precision}</td>
              <td style={S.td} title={r.tp > 1 ? `tensor parallel ${r.tp} per replica` : ""}>{r.total_gpus} × {r.gpu}{r.tp > 1 ? ` (TP${r.tp})` : ""}</td>
              <td style={S.td} title="autoscaling floor to ceiling">{r.replicas}{r.max_replicas !== r.min_replicas ? ` (${r.min_replicas}–${r.max_replicas})` : ""}</td>
              <Latency text={r.text.ttft} met={r.met.ttft} target={t.ttft} />
              <Latency text={r.text.itl} met={r.met.itl} target={t.itl} />
              <Latency text={r.text.e2e} met={r.met.e2e} target={t.e2e} />
              <td data-testid={`rec-cost-${r.rank}`} title={r.within_budget === false ? `over the ${props.budget_text} budget` : ""}
                  style={{ ...S.td, ...S.num, color: r.within_budget === false ? OVER : undefined, fontWeight: r.within_budget === false ? 600 : undefined }}>{r.text.monthly}</td>
              <td style={{ ...S.td, ...S.num }}>{r.text.per_m}</td>
              <td style={{ ...S.td, ...S.num }} title={r.quality_source || ""}>{r.text.quality}</td>
              <td style={S.td}><span data-testid={`rec-provenance-${r.rank}`} style={pill(PROVENANCE[r.provenance] || {})}>{r.provenance}</span></td>
              <td style={S.td}>
                <Button data-testid={`rec-select-${r.rank}`} size="sm" variant="outline" style={S.link} onClick={() => sendUserMessage(r.messages.select)}>Select</Button>
                <Button data-testid={`rec-why-${r.rank}`} size="sm" variant="ghost" style={S.link} onClick={() => sendUserMessage(r.messages.why)}>Why?</Button>
                <Button data-testid={`rec-deploy-${r.rank}`} size="sm" variant="ghost" style={S.link} onClick={() => sendUserMessage(r.messages.deploy)}>Deploy</Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div style={S.bar}>
        <Button data-testid="rec-compare" size="sm" variant="outline" style={S.small} disabled={picked.length !== 2} onClick={compare}>
          Compare {picked.length === 2 ? `#${Math.min(...picked)} and #${Math.max(...picked)}` : "(tick two)"}
        </Button>
        <span style={S.muted}>What if:</span>
        {(props.chips || []).map((c) => (
          <Button key={c.label} data-testid={`whatif-${c.label}`} size="sm" variant="secondary" style={S.small} onClick={() => sendUserMessage(c.message)}>{c.label}</Button>
        ))}
      </div>
      {(props.notes || []).map((n, i) => <div key={i} style={{ ...S.muted, marginTop: 4 }}>{n}</div>)}
    </div>
  );
}
