"""What kubectl and its Argo Rollouts plugin do on the client side, as functions of
the store: apply's three-way merge and patch, the Deployment verbs (``set image``,
``rollout pause/resume/restart/undo``) and the Rollout verbs (``promote``,
``abort``, ``retry``, ``undo``). ``Cluster`` delegates to them."""
