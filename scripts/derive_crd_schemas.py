"""Write k8s/schemas/*.json: JSON Schemas of the custom kinds Compass renders, derived from upstream CRDs.

The upstream CRD YAMLs inline whole Kubernetes types (the KServe InferenceService CRD is ~1 MB), so the
schemas here transcribe the CRD-specific fields (names, types, enums, patterns, required lists, read
from the upstream files and Go types named in each schema's ``x-compass-source``) and point at the
Kubernetes definitions of the pinned version for embedded core types (PodSpec, Container, Volume,
HorizontalPodAutoscalerBehavior ...). Run after changing a field below:

    python scripts/derive_crd_schemas.py && python -m pytest tests/k8s -q

See k8s/schemas/README.md for what is checked and what is not.
"""
import json
import pathlib

import kubernetes_validate

from k8s.constants import KUBERNETES_VERSION

OUT = pathlib.Path(__file__).resolve().parent.parent / "k8s" / "schemas"
DEFS = "https://kubernetes.io/api/_definitions.json"
base = (pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
        / f"v{KUBERNETES_VERSION}-local-strict" / "_definitions.json")
kdefs = json.loads(base.read_text())["$defs"]

def ref(name, prop=None):
    return {"$ref": f"{DEFS}#/$defs/{name}" + (f"/properties/{prop}" if prop else "")}

def props_of(defname):
    return {p: ref(defname, p) for p in kdefs[defname]["properties"]}

INT32 = {"type": "integer", "format": "int32"}
INT64 = {"type": "integer", "format": "int64"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
OBJ = {"type": "object"}  # not enumerated here: any object (see README)
STRMAP = {"type": "object", "additionalProperties": {"type": "string"}}
STRLIST = {"type": "array", "items": {"type": "string"}}
INT_OR_STR = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
QUANTITY_PATTERN = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
PROM_DURATION = {"type": "string", "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"}

def closed(properties, required=None):
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out

def document(api_version, kind, spec, source, spec_required=True):
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://compass-llm.dev/schemas/{kind.lower()}-{api_version.replace('/', '-')}.json",
        "title": f"{kind} ({api_version})",
        "x-compass-source": source,
        "type": "object",
        "required": ["apiVersion", "kind", "metadata"] + (["spec"] if spec_required else []),
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
            "spec": spec,
            "status": OBJ,
        },
        "additionalProperties": False,
    }

# ---------------------------------------------------------------- KServe
POD = "io.k8s.api.core.v1.PodSpec"
CONTAINER = "io.k8s.api.core.v1.Container"
component_ext = {
    "minReplicas": {"type": "integer", "minimum": 0}, "maxReplicas": {"type": "integer", "minimum": 0},
    "scaleTarget": {"type": "integer"}, "scaleMetric": {"type": "string", "enum": ["cpu", "memory", "concurrency", "rps"]},
    "scaleMetricType": STR, "autoScaling": OBJ,
    "containerConcurrency": INT64, "timeout": INT64, "canaryTrafficPercent": INT64,
    "logger": OBJ, "batcher": OBJ, "labels": STRMAP, "annotations": STRMAP,
    "deploymentStrategy": ref("io.k8s.api.apps.v1.DeploymentStrategy"),
}
model_spec = closed({
    "modelFormat": closed({"name": STR, "version": STR}, ["name"]),
    "runtime": STR, "storageUri": STR, "runtimeVersion": STR, "protocolVersion": STR, "storage": OBJ,
    **props_of(CONTAINER),  # Container inline; name is optional here (KServe names it kserve-container)
}, ["modelFormat"])
frameworks = {k: OBJ for k in ("sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface",
                               "pmml", "lightgbm", "paddle")}
predictor = closed({
    **props_of(POD), **component_ext, **frameworks, "model": model_spec,
    "storageUris": {"type": "array", "minItems": 1, "items": closed(
        {"uri": {"type": "string", "minLength": 1}, "mountPath": {"type": "string", "pattern": "^/.*", "maxLength": 255}}, ["uri"])},
    "workerSpec": OBJ,
})
isvc = document("serving.kserve.io/v1beta1", "InferenceService",
                closed({"predictor": predictor, "transformer": OBJ, "explainer": OBJ}, ["predictor"]),
                {"repo": "kserve/kserve", "crd": "config/crd/full/serving.kserve.io_inferenceservices.yaml",
                 "types": ["pkg/apis/serving/v1beta1/predictor.go", "pkg/apis/serving/v1beta1/component.go"],
                 "crd_commit": "047112c8916ef527b7a4b4090effdb1cbc5be29c"})
srt = document("serving.kserve.io/v1alpha1", "ServingRuntime", closed({
    "supportedModelFormats": {"type": "array", "items": closed(
        {"name": STR, "version": STR, "autoSelect": BOOL, "priority": {"type": "integer", "format": "int32", "minimum": 1}}, ["name"])},
    "multiModel": BOOL, "disabled": BOOL, "protocolVersions": STRLIST, "workerSpec": OBJ,
    "containers": {"type": "array", "items": ref(CONTAINER)},
    "volumes": ref(POD, "volumes"), "nodeSelector": STRMAP, "affinity": ref("io.k8s.api.core.v1.Affinity"),
    "tolerations": ref(POD, "tolerations"), "labels": STRMAP, "annotations": STRMAP,
    "imagePullSecrets": ref(POD, "imagePullSecrets"), "hostIPC": BOOL,
    "grpcEndpoint": STR, "grpcDataEndpoint": STR, "httpDataEndpoint": STR,
    "replicas": {"type": "integer", "minimum": 0, "maximum": 65535},
    "storageHelper": closed({"disabled": BOOL}),
    "builtInAdapter": closed({"serverType": STR, "runtimeManagementPort": {"type": "integer"},
                              "memBufferBytes": {"type": "integer"}, "modelLoadingTimeoutMillis": {"type": "integer"},
                              "env": {"type": "array", "items": ref("io.k8s.api.core.v1.EnvVar")}}),
}, ["containers"]), {"repo": "kserve/kserve", "crd": "config/crd/full/serving.kserve.io_servingruntimes.yaml",
                     "types": ["pkg/apis/serving/v1alpha1/servingruntime_types.go"],
                     "crd_commit": "06dba829673569c695e70f220b351abc4dcea4be",
                     "types_commit": "0217bdabaaa250485b336805da1aed04960dc758"}, spec_required=False)

# ---------------------------------------------------------------- KEDA
so = document("keda.sh/v1alpha1", "ScaledObject", closed({
    "scaleTargetRef": closed({"name": STR, "apiVersion": STR, "kind": STR, "envSourceContainerName": STR}, ["name"]),
    "pollingInterval": INT32, "initialCooldownPeriod": INT32, "cooldownPeriod": INT32, "idleReplicaCount": INT32,
    "minReplicaCount": INT32, "maxReplicaCount": INT32,
    "advanced": closed({
        "horizontalPodAutoscalerConfig": closed({
            "behavior": ref("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior"), "name": STR}),
        "restoreToOriginalReplicaCount": BOOL,
        "scalingModifiers": closed({"formula": STR, "target": STR, "activationTarget": STR,
                                    "metricType": {"type": "string", "enum": ["AverageValue", "Value"]}}),
    }),
    "triggers": {"type": "array", "items": closed({
        "type": STR, "name": STR, "useCachedMetrics": BOOL, "metadata": STRMAP,
        "authenticationRef": closed({"name": STR, "kind": STR}, ["name"]), "metricType": STR,
    }, ["metadata", "type"])},
    "fallback": closed({"failureThreshold": INT32, "replicas": INT32,
                        "behavior": {"type": "string", "enum": ["static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower"]}},
                       ["failureThreshold", "replicas"]),
}, ["scaleTargetRef", "triggers"]), {"repo": "kedacore/keda", "crd": "config/crd/bases/keda.sh_scaledobjects.yaml",
                                     "types": ["apis/keda/v1alpha1/scaledobject_types.go", "apis/keda/v1alpha1/scaletriggers_types.go"],
                                     "types_commit": "01ee1d30b296b6cd0347641d5084962f4081b6e0"})

# ---------------------------------------------------------------- Prometheus Operator
relabel = closed({"action": {"type": "string", "enum": [
    "replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap", "LabelMap",
    "labeldrop", "LabelDrop", "labelkeep", "LabelKeep", "lowercase", "Lowercase", "uppercase", "Uppercase",
    "keepequal", "KeepEqual", "dropequal", "DropEqual"]},
    "modulus": INT64, "regex": STR, "replacement": STR, "separator": STR, "sourceLabels": STRLIST, "targetLabel": STR})
endpoint_common = {
    "authorization": OBJ, "basicAuth": OBJ, "bearerTokenSecret": OBJ, "enableHttp2": BOOL, "filterRunning": BOOL,
    "followRedirects": BOOL, "honorLabels": BOOL, "honorTimestamps": BOOL, "interval": PROM_DURATION,
    "metricRelabelings": {"type": "array", "items": relabel}, "noProxy": STR, "oauth2": OBJ,
    "params": {"type": "object", "additionalProperties": STRLIST}, "path": STR, "port": STR,
    "proxyConnectHeader": OBJ, "proxyFromEnvironment": BOOL,
    "proxyUrl": {"type": "string", "pattern": "^(http|https|socks5)://.+$"},
    "relabelings": {"type": "array", "items": relabel},
    "scheme": {"type": "string", "enum": ["http", "https", "HTTP", "HTTPS"]}, "scrapeTimeout": PROM_DURATION,
    "targetPort": INT_OR_STR, "tlsConfig": OBJ, "trackTimestampsStaleness": BOOL,
}
protocols = {"type": "string", "enum": ["PrometheusProto", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0",
                                        "PrometheusText0.0.4", "PrometheusText1.0.0"]}
monitor_common = {
    "attachMetadata": closed({"node": BOOL}),
    "bodySizeLimit": {"type": "string", "pattern": r"(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$"},
    "convertClassicHistogramsToNHCB": BOOL, "fallbackScrapeProtocol": protocols, "jobLabel": STR,
    "keepDroppedTargets": INT64, "labelLimit": INT64, "labelNameLengthLimit": INT64, "labelValueLengthLimit": INT64,
    "namespaceSelector": closed({"any": BOOL, "matchNames": STRLIST}),
    "nativeHistogramBucketLimit": INT64,
    "nativeHistogramMinBucketFactor": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": QUANTITY_PATTERN}]},
    "podTargetLabels": STRLIST, "sampleLimit": INT64, "scrapeClass": {"type": "string", "minLength": 1},
    "scrapeClassicHistograms": BOOL, "scrapeNativeHistograms": BOOL,
    "scrapeProtocols": {"type": "array", "items": protocols, "uniqueItems": True},
    "selector": ref("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"),
    "selectorMechanism": {"type": "string", "enum": ["RelabelConfig", "RoleSelector"]}, "targetLimit": INT64,
}
prom_source = {"repo": "prometheus-operator/prometheus-operator", "operator_version": "0.91.0",
               "crd_commit": "00749296a6ed0225f09f8bd9849d764f1280d766"}
smon = document("monitoring.coreos.com/v1", "ServiceMonitor", closed({
    **monitor_common, "targetLabels": STRLIST,
    "serviceDiscoveryRole": {"type": "string", "enum": ["Endpoints", "EndpointSlice"]},
    "endpoints": {"type": "array", "items": closed({**endpoint_common, "bearerTokenFile": STR})},
}, ["endpoints", "selector"]), {**prom_source, "crd": "example/prometheus-operator-crd-full/monitoring.coreos.com_servicemonitors.yaml"})
pmon = document("monitoring.coreos.com/v1", "PodMonitor", closed({
    **monitor_common,
    "podMetricsEndpoints": {"type": "array", "items": closed({
        **endpoint_common, "portNumber": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 65535}})},
}, ["podMetricsEndpoints", "selector"]), {**prom_source, "crd": "example/prometheus-operator-crd-full/monitoring.coreos.com_podmonitors.yaml",
                                          "crd_commit": "046a5bb61958f88abcd7b3c8145f7eccec75f65a"})

# ---------------------------------------------------------------- Gateway API
DNS_SUB = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
GW_DURATION = {"type": "string", "pattern": r"^([0-9]{1,5}(h|m|s|ms)){1,4}$"}
PORT = {"type": "integer", "format": "int32", "minimum": 1, "maximum": 65535}
group = {"type": "string", "maxLength": 253, "pattern": r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"}
kindp = {"type": "string", "minLength": 1, "maxLength": 63, "pattern": r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"}
nsp = {"type": "string", "minLength": 1, "maxLength": 63, "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}
objname = {"type": "string", "minLength": 1, "maxLength": 253}
parent_ref = closed({"group": group, "kind": kindp, "namespace": nsp, "name": objname,
                     "sectionName": {"type": "string", "minLength": 1, "maxLength": 253, "pattern": DNS_SUB},
                     "port": PORT}, ["name"])
backend_ref = closed({"group": group, "kind": kindp, "name": objname, "namespace": nsp, "port": PORT,
                      "weight": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 1000000},
                      "filters": {"type": "array", "maxItems": 16, "items": OBJ}}, ["name"])
match = closed({
    "path": closed({"type": {"type": "string", "enum": ["Exact", "PathPrefix", "RegularExpression"]},
                    "value": {"type": "string", "maxLength": 1024}}),
    "headers": {"type": "array", "maxItems": 16, "items": OBJ},
    "queryParams": {"type": "array", "maxItems": 16, "items": OBJ},
    "method": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]},
})
rule = closed({"name": {"type": "string", "minLength": 1, "maxLength": 253}, "matches": {"type": "array", "maxItems": 64, "items": match},
               "filters": {"type": "array", "maxItems": 16, "items": OBJ},
               "backendRefs": {"type": "array", "maxItems": 16, "items": backend_ref},
               "timeouts": closed({"request": GW_DURATION, "backendRequest": GW_DURATION}),
               "retry": OBJ, "sessionPersistence": OBJ})
route = document("gateway.networking.k8s.io/v1", "HTTPRoute", closed({
    "parentRefs": {"type": "array", "maxItems": 32, "items": parent_ref},
    "hostnames": {"type": "array", "maxItems": 16, "items": {"type": "string", "minLength": 1, "maxLength": 253,
                  "pattern": r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"}},
    "rules": {"type": "array", "maxItems": 16, "items": rule},
}), {"repo": "kubernetes-sigs/gateway-api", "crd": "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
     "crd_commit": "0027f177f33c0cb9e6238898bee5f25ac128b2b6"}, spec_required=False)

for doc in (isvc, srt, so, smon, pmon, route):
    name = doc["$id"].rsplit("/", 1)[1]
    (OUT / name).write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    print(name, len(json.dumps(doc)))
