// Compass approval: what is about to be deployed and where, with Approve / Reject as real buttons. A click calls
// the app's action callback (app.py on_approve / on_reject), which resumes the agent's approval interrupt; the
// server then updates these props ("approved", "rejected", or "expired" when the decision was made elsewhere).
// What the manifests create is listed once, in the agent's message above. Props: ui/views.py approval_props().
import { useState } from "react";
import { Button } from "@/components/ui/button";

const S = {
  card: { border: "1px solid hsl(var(--border))", borderRadius: 8, padding: "10px 14px", fontSize: 14, maxWidth: 760 },
  line: { marginBottom: 10 },
  bar: { display: "flex", gap: 10, alignItems: "center", flexWrap: "wrap" },
  muted: { color: "hsl(var(--muted-foreground))", fontSize: 12.5 },
  done: { fontWeight: 600 },
};
const DONE = {
  approved: ["Approved", "#166534"],
  rejected: ["Rejected", "#92400e", "Nothing was applied."],
  expired: ["No longer waiting for a decision", "hsl(var(--muted-foreground))"],
};

export default function Approval() {
  const [sent, setSent] = useState(null);
  const decide = (name) => {
    setSent(name);
    callAction({ name, payload: props.payload || {} });
  };
  const done = DONE[props.state];
  return (
    <div data-testid="approval" style={S.card}>
      <div style={S.line}>
        Deploy <strong>option {props.option}</strong>{props.what ? ` (${props.what})` : ""} to{" "}
        <strong>{props.target}</strong> in namespace <strong>{props.namespace}</strong>?
        {props.where ? <div style={S.muted}>{props.where}</div> : null}
        {props.file ? <div style={S.muted}>The manifests to review: {props.file} (below).</div> : null}
      </div>
      {done ? (
        <div data-testid="approval-state" style={{ ...S.done, color: done[1] }}>
          {done[0]}{props.by ? ` by ${props.by}` : ""}.{done[2] ? ` ${done[2]}` : ""}
        </div>
      ) : (
        <div style={S.bar}>
          <Button data-testid="approval-approve" disabled={sent !== null} onClick={() => decide("approve_deploy")}>
            Approve
          </Button>
          <Button data-testid="approval-reject" variant="outline" disabled={sent !== null} onClick={() => decide("reject_deploy")}>
            Reject
          </Button>
          {sent ? <span style={S.muted}>Sent…</span> : null}
        </div>
      )}
    </div>
  );
}
