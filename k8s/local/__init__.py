"""The local deployment target: a plan run on this machine as GPU-free simulator processes.

One ``compass simulate`` process per replica, configured exactly as the simulator-mode manifests configure the
container (the Deployment's environment variables), behind a small round-robin front. Deployments outlive the
process that started them; their pids and ports are recorded under ``$COMPASS_HOME/deployments``.
"""

from k8s.local.target import LocalDeployment, LocalTarget, LocalTargetError

__all__ = ["LocalDeployment", "LocalTarget", "LocalTargetError"]
