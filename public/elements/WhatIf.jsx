// Compass what-if: the current plan's top option side by side with each variant's, deltas coloured
// (green = better, red = worse). Props come from ui/views.py: comparison_props().
const S = {
  wrap: { border: "1px solid hsl(var(--border))", borderRadius: 8, padding: "8px 10px", fontSize: 13, overflowX: "auto" },
  table: { borderCollapse: "collapse", minWidth: 420 },
  th: { textAlign: "left", padding: "4px 10px", fontSize: 12, borderBottom: "1px solid hsl(var(--border))" },
  td: { padding: "4px 10px", borderBottom: "1px solid hsl(var(--border))", fontVariantNumeric: "tabular-nums" },
  label: { padding: "4px 10px", color: "hsl(var(--muted-foreground))", borderBottom: "1px solid hsl(var(--border))" },
};
// Every number and delta arrives as text, rounded once in Python (ui/views.py comparison_props): the same
// figures as the ranked table.
// [label, value of a column, delta key]
const ROWS = [
  ["top option", (c) => c.model || c.error || "no plan", null],
  ["GPUs", (c) => (c.gpus == null ? "–" : `${c.gpus} × ${c.gpu}`), "gpus"],
  ["$/month", (c) => (c.text ? c.text.monthly : "–"), "cost_usd"],
  ["p95 TTFT ms", (c) => (c.text ? c.text.ttft : "–"), "ttft_p95_ms"],
  ["p95 ITL ms", (c) => (c.text ? c.text.itl : "–"), "itl_p95_ms"],
  ["p95 E2E ms", (c) => (c.text ? c.text.e2e : "–"), "e2e_p95_ms"],
  ["quality", (c) => (c.text ? c.text.quality : "–"), "quality"],
  ["SLOs", (c) => (c.meets_slos == null ? "–" : c.meets_slos ? "met" : "missed"), null],
];

function Delta({ delta }) {
  if (!delta) return null;
  return <span style={{ marginLeft: 6, fontSize: 12, fontWeight: 600, color: delta.better ? "#16a34a" : "#dc2626" }}>{delta.text}</span>;
}

export default function WhatIf() {
  const cols = [props.base, ...(props.variants || [])];
  return (
    <div data-testid="whatif" style={S.wrap}>
      <strong>What-if, side by side</strong>
      <table style={S.table}>
        <thead>
          <tr>
            <th style={S.th}></th>
            {cols.map((c, i) => (
              <th key={i} style={S.th} title={Object.entries(c.changes || {}).map(([k, v]) => `${k}=${v}`).join(", ")}>
                {i === 0 ? "current plan" : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([label, value, key]) => (
            <tr key={label}>
              <td style={S.label}>{label}</td>
              {cols.map((c, i) => (
                <td key={i} style={S.td}>
                  {value(c)}
                  {i > 0 && key && <Delta delta={(c.deltas || {})[key]} />}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
