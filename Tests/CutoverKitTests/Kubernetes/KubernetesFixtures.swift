import CutoverKit
import Foundation

/// Answers of helm and kubectl in the shapes their documentation shows (`helm status -o json` prints the release
/// record; `kubectl get nodes -o json` a `v1` `List`), with PAWS's names, in one place.
enum KubernetesFixtures {
  // MARK: - PAWS's releases

  /// The generation's kubeconfig, as `kubeconfig.128a` writes it.
  static let target = KubernetesTarget(kubeconfig: "state/eqiad1/kube/128a.config")

  static let ingressNginx = HelmReleaseRequest(
    name: "ingress-nginx", chart: "ingress-nginx/ingress-nginx", version: "4.14.3", namespace: "ingress-nginx",
    set: [
      "controller.service.type": "NodePort",
      "controller.service.enableHttps": false,
      "controller.service.nodePorts.http": 30001,
      "controller.config.proxy-body-size": "4m",
    ])

  static let paws = HelmReleaseRequest(
    name: "paws", chart: "./paws", namespace: "prod", valuesFiles: ["paws/secrets.yaml", "paws/production.yaml"],
    timeout: .seconds(50 * 60), dependencyUpdate: true)

  static let prometheus = HelmReleaseRequest(
    name: "prometheus", chart: "prometheus-community/prometheus", version: "25.26.0", namespace: "metrics")

  // MARK: - helm

  /// `helm status ingress-nginx -o json` after a third, successful revision. Helm prints it on one line; it is
  /// spread here for reading. `config` holds the user-supplied values, `manifest` the rendered objects.
  static let ingressStatus = """
    {"name":"ingress-nginx","info":{"first_deployed":"2026-11-02T09:12:44.123456789Z",\
    "last_deployed":"2026-11-21T14:03:10.987654321Z","deleted":"","description":"Upgrade complete",\
    "status":"deployed","notes":"The ingress-nginx controller has been installed.\\nGet the application URL..."},\
    "chart":{"metadata":{"name":"ingress-nginx","home":"https://github.com/kubernetes/ingress-nginx",\
    "sources":["https://github.com/kubernetes/ingress-nginx"],"version":"4.14.3","appVersion":"1.14.3",\
    "kubeVersion":">=1.21.0-0","apiVersion":"v2","annotations":{"artifacthub.io/prerelease":"false"}},\
    "lock":null,"templates":[{"name":"templates/controller-deployment.yaml","data":"YXBpVmVyc2lvbjogYXBwcy92MQ=="}],\
    "values":{"controller":{"service":{"type":"LoadBalancer"}}},"schema":null,"files":[]},\
    "config":{"controller":{"config":{"proxy-body-size":"4m"},"service":{"enableHttps":false,\
    "nodePorts":{"http":30001},"type":"NodePort"}}},\
    "manifest":"---\\n# Source: ingress-nginx/templates/controller-serviceaccount.yaml\\napiVersion: v1\\n",\
    "version":3,"namespace":"ingress-nginx"}
    """

  /// `helm status paws -o json` after an upgrade that timed out, preceded by the warning helm prints to standard
  /// error for a group-readable kubeconfig (the runner interleaves both streams). No chart block: older helms and
  /// some releases omit it.
  static let failedPawsStatus = """
    WARNING: Kubernetes configuration file is group-readable. This is insecure. Location: state/eqiad1/kube/128a.config
    {"name":"paws","info":{"first_deployed":"2026-11-21T13:00:01.5+01:00","last_deployed":"2026-11-21T15:40:00Z",\
    "deleted":"","description":"Upgrade \\"paws\\" failed: context deadline exceeded","status":"failed"},\
    "config":{"jupyterhub":{"hub":{"cookieSecret":"0123456789abcdef"}}},"version":7,"namespace":"prod"}
    """

  /// `helm status prometheus -o json` while the first install is still running.
  static let pendingPrometheusStatus = """
    {"name":"prometheus","info":{"first_deployed":"2026-11-21T16:00:00Z","last_deployed":"2026-11-21T16:00:00Z",\
    "deleted":"","description":"Initial install underway","status":"pending-install"},\
    "chart":{"metadata":{"name":"prometheus","version":"25.26.0","appVersion":"v2.54.1"}},\
    "version":1,"namespace":"metrics"}
    """

  /// `helm get values ingress-nginx -o json`: the user-supplied values only.
  static let ingressValues = """
    {"controller":{"config":{"proxy-body-size":"4m"},"service":{"enableHttps":false,"nodePorts":{"http":30001},\
    "type":"NodePort"}}}
    """

  /// `helm get values prometheus -o json` for a release installed with no values.
  static let noValues = "null\n"

  // MARK: - kubectl

  /// `kubectl get nodes -o json` on a Magnum generation: one master, a Ready worker, a NotReady worker and one
  /// whose kubelet stopped reporting (`Unknown`), cordoned. Fields Cutover ignores are trimmed.
  static let nodes = """
    {
        "apiVersion": "v1",
        "items": [
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "labels": {
                        "kubernetes.io/hostname": "paws-128a-x7kq2lmb3c4d-master-0",
                        "node-role.kubernetes.io/master": ""
                    },
                    "name": "paws-128a-x7kq2lmb3c4d-master-0"
                },
                "spec": {
                    "taints": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/master"}]
                },
                "status": {
                    "addresses": [
                        {"address": "172.16.1.20", "type": "InternalIP"},
                        {"address": "paws-128a-x7kq2lmb3c4d-master-0", "type": "Hostname"}
                    ],
                    "conditions": [
                        {"lastHeartbeatTime": "2026-11-21T16:01:02Z", "message": "kubelet has sufficient memory available",
                         "reason": "KubeletHasSufficientMemory", "status": "False", "type": "MemoryPressure"},
                        {"lastHeartbeatTime": "2026-11-21T16:01:02Z", "message": "kubelet is posting ready status",
                         "reason": "KubeletReady", "status": "True", "type": "Ready"}
                    ],
                    "nodeInfo": {"containerRuntimeVersion": "containerd://1.6.28", "kubeletVersion": "v1.28.15"}
                }
            },
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"labels": {"kubernetes.io/hostname": "paws-128a-x7kq2lmb3c4d-node-0"},
                             "name": "paws-128a-x7kq2lmb3c4d-node-0"},
                "spec": {},
                "status": {
                    "addresses": [
                        {"address": "172.16.1.21", "type": "InternalIP"},
                        {"address": "2a02:ec80:a000:1::21", "type": "InternalIP"},
                        {"address": "paws-128a-x7kq2lmb3c4d-node-0", "type": "Hostname"}
                    ],
                    "conditions": [
                        {"reason": "KubeletReady", "status": "True", "type": "Ready"}
                    ],
                    "nodeInfo": {"kubeletVersion": "v1.28.15"}
                }
            },
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": "paws-128a-x7kq2lmb3c4d-node-1"},
                "spec": {},
                "status": {
                    "addresses": [{"address": "172.16.1.22", "type": "InternalIP"}],
                    "conditions": [
                        {"message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady",
                         "reason": "KubeletNotReady", "status": "False", "type": "Ready"}
                    ]
                }
            },
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": "paws-128a-x7kq2lmb3c4d-node-2"},
                "spec": {"unschedulable": true},
                "status": {
                    "addresses": [{"address": "172.16.1.23", "type": "InternalIP"}],
                    "conditions": [
                        {"message": "Kubelet stopped posting node status.", "reason": "NodeStatusUnknown",
                         "status": "Unknown", "type": "Ready"}
                    ]
                }
            }
        ],
        "kind": "List",
        "metadata": {"resourceVersion": ""}
    }
    """

  /// `kubectl version --client -o json` of kubectl 1.28.15.
  static let kubectlVersion = """
    {
      "clientVersion": {
        "major": "1",
        "minor": "28",
        "gitVersion": "v1.28.15",
        "gitCommit": "841856557ef0f6a399096c42635d114d6f2cf7f4",
        "gitTreeState": "clean",
        "buildDate": "2024-10-22T20:33:16Z",
        "goVersion": "go1.22.8",
        "compiler": "gc",
        "platform": "linux/amd64"
      },
      "kustomizeVersion": "v5.0.4-0.20230601165947-6ce0bf390ce3"
    }
    """

  /// The same for an old kubectl, whose JSON has the same shape.
  static func kubectlVersion(_ gitVersion: String) -> String {
    kubectlVersion.replacingOccurrences(of: "v1.28.15", with: gitVersion)
  }
}
