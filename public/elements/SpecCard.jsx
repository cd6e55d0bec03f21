// Compass spec card: every known requirement, marked stated (you said it) or assumed (Compass filled it in).
// Editing a value sends an ordinary message the agent understands ("users: 8000"), so the change goes through
// the conversation and re-plans. Props come from ui/views.py: spec_card_props().
import { useState } from "react";
import { Button } from "@/components/ui/button";

const S = {
  card: { border: "1px solid hsl(var(--border))", borderRadius: 8, padding: "8px 12px", fontSize: 13, maxWidth: 760 },
  head: { display: "flex", justifyContent: "space-between", alignItems: "baseline", marginBottom: 6 },
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(340px, 1fr))", columnGap: 16 },
  cell: { padding: "3px 0", borderBottom: "1px dashed hsl(var(--border))" },
  row: { display: "flex", alignItems: "center", gap: 6, minHeight: 24 },
  why: { fontSize: 11.5, color: "hsl(var(--muted-foreground))", paddingLeft: 136, lineHeight: 1.35 },
  label: { color: "hsl(var(--muted-foreground))", width: 130, flexShrink: 0 },
  value: { fontWeight: 600, flexGrow: 1, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  input: { flexGrow: 1, minWidth: 60, fontSize: 13, padding: "2px 6px", borderRadius: 4,
           border: "1px solid hsl(var(--border))", background: "hsl(var(--background))", color: "inherit" },
  small: { height: 24, padding: "0 8px", fontSize: 12 },
  error: { color: "#dc2626", fontSize: 12 },
};
const BADGE = {
  stated: { background: "#dcfce7", color: "#166534" },
  assumed: { background: "#fef3c7", color: "#92400e" },
  unset: { background: "hsl(var(--muted))", color: "hsl(var(--muted-foreground))" },
};
const badge = (origin) => ({ ...BADGE[origin], borderRadius: 10, padding: "0 7px", fontSize: 11, flexShrink: 0 });

function Editor({ field, onDone }) {
  const input = field.input;
  const [value, setValue] = useState(field.raw || (input.kind === "select" && input.options[0] ? input.options[0].value : ""));
  const [error, setError] = useState("");
  const submit = () => {
    let message;
    if (input.kind === "select") {
      const opt = input.options.find((o) => o.value === value);
      message = opt && opt.message;
    } else {
      const v = String(value).trim();
      if (!v) return setError("enter a value");
      if (input.kind === "number" && !(Number(v.replace(/,/g, "")) > 0)) return setError("a positive number");
      message = input.template.replace("{value}", input.kind === "number" ? v.replace(/,/g, "") : v);
    }
    if (message) { onDone(); sendUserMessage(message); }
  };
  const keys = (e) => { if (e.key === "Enter") submit(); if (e.key === "Escape") onDone(); };
  return (
    <>
      {input.kind === "select" ? (
        <select data-testid={`spec-input-${field.name}`} style={S.input} value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={keys} autoFocus>
          {input.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      ) : (
        <input data-testid={`spec-input-${field.name}`} style={S.input} value={value} autoFocus
               type={input.kind === "number" ? "number" : "text"} step={input.step || "any"} min="0"
               placeholder={input.unit || ""} onChange={(e) => { setValue(e.target.value); setError(""); }} onKeyDown={keys} />
      )}
      {error && <span style={S.error}>{error}</span>}
      <Button data-testid={`spec-apply-${field.name}`} size="sm" style={S.small} onClick={submit}>Apply</Button>
      {input.clear && field.origin !== "unset" && (
        <Button size="sm" variant="ghost" style={S.small} onClick={() => { onDone(); sendUserMessage(input.clear); }}>Clear</Button>
      )}
      <Button size="sm" variant="ghost" style={S.small} onClick={onDone}>Cancel</Button>
    </>
  );
}

export default function SpecCard() {
  const [editing, setEditing] = useState(null);
  const fields = props.fields || [];
  return (
    <div data-testid="spec-card" style={S.card}>
      <div style={S.head}>
        <strong>Requirements</strong>
        <span style={{ fontSize: 12, color: "hsl(var(--muted-foreground))" }}>
          <span style={badge("stated")}>stated</span> {props.stated} &nbsp;
          <span style={badge("assumed")}>assumed</span> {props.assumed} &nbsp; click a value to change it
        </span>
      </div>
      <div style={S.grid}>
        {fields.map((f) => (
          <div key={f.name} data-testid={`spec-row-${f.name}`} style={S.cell} title={f.note && !f.derivation ? `${f.origin}: ${f.note}` : ""}>
            <div style={S.row}>
              <span style={S.label}>{f.label}</span>
              {editing === f.name && f.input ? (
                <Editor field={f} onDone={() => setEditing(null)} />
              ) : (
                <>
                  <span style={S.value}>{f.value}</span>
                  <span data-testid={`spec-origin-${f.name}`} style={badge(f.origin)}>{f.origin === "unset" ? "not set" : f.origin}</span>
                  {f.input && (
                    <Button data-testid={`spec-edit-${f.name}`} size="sm" variant="ghost" style={S.small}
                            onClick={() => setEditing(f.name)}>edit</Button>
                  )}
                </>
              )}
            </div>
            {/* where an assumed value comes from (how users became requests/s), and what an easily misread field means */}
            {f.derivation && <div data-testid={`spec-derivation-${f.name}`} style={S.why}>= {f.derivation}</div>}
            {f.means && <div data-testid={`spec-means-${f.name}`} style={S.why}>{f.means}</div>}
          </div>
        ))}
      </div>
    </div>
  );
}
