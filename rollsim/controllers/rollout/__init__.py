"""Progressive delivery (Argo Rollouts and Flagger): the arithmetic, as pure functions."""
