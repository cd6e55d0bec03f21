// Compass what-if: the current plan's top option side by side with each variant's, deltas coloured
// (green = better, red = worse). Props come from ui/views.py: comparison_props().
const S = {
  wrap: { border: "1px solid hsl(var(--border))", borderRadius: 8, padding: "8px 10px", fontSize: 13, overflowX: "auto" },
  table: { borderCollapse: "collapse", minWidth: 420 },
  th: { textAlign: "left", padding: "4px 10px", fontSize: 12, borderBottom: "1px solid hsl(var(--border))" },
  td: { padding: "4px 10px", borderBottom: "1px solid hsl(var(--border))", fontVariantNumeric: "tabular-nums" },
  label: { padding: "4px 10px", color: "hsl(var(--muted-foreground))", borderBottom: "1px solid hsl(var(--border))" },
};
const ms = (v) => (v == null ? "–" : v >= 100 ? Math.round(v).toLocaleString() : v.toFixed(1));
const usd = (v) => (v == null ? "–" : "$" + Math.round(v).toLocaleString());
// metric -> [label, value of a column, delta key, format, higher is better]
const ROWS = [
  ["top option", (c) => c.model || c.error || "no plan", null],
  ["GPUs", (c) => (c.gpus == null ? "–" : `${c.gpus} × ${c.gpu}`), "gpus", (d) => d.toFixed(0), false],
  ["$/month", (c) => usd(c.monthly_usd), "cost_usd", (d) => usd(Math.abs(d)), false],
  ["p95 TTFT ms", (c) => ms(c.ttft), "ttft_p95_ms", (d) => ms(Math.abs(d)), false],
  ["p95 ITL ms", (c) => ms(c.itl), "itl_p95_ms", (d) => ms(Math.abs(d)), false],
  ["p95 E2E ms", (c) => ms(c.e2e), "e2e_p95_ms", (d) => ms(Math.abs(d)), false],
  ["quality", (c) => (c.quality == null ? "–" : c.quality.toFixed(1)), "quality", (d) => Math.abs(d).toFixed(1), true],
  ["SLOs", (c) => (c.meets_slos == null ? "–" : c.meets_slos ? "met" : "missed"), null],
];

function Delta({ value, format, higherIsBetter }) {
  if (!value) return null;
  const better = higherIsBetter ? value > 0 : value < 0;
  const sign = value > 0 ? "+" : "−";
  return <span style={{ marginLeft: 6, fontSize: 12, fontWeight: 600, color: better ? "#16a34a" : "#dc2626" }}>{sign}{format(value)}</span>;
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
          {ROWS.map(([label, value, key, format, higher]) => (
            <tr key={label}>
              <td style={S.label}>{label}</td>
              {cols.map((c, i) => (
                <td key={i} style={S.td}>
                  {value(c)}
                  {i > 0 && key && <Delta value={(c.deltas || {})[key]} format={format} higherIsBetter={higher} />}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
