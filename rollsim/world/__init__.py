"""The parts a controller is handed, as kube-controller-manager hands out informers,
listers, a recorder and a work queue: the clock, the object store, the work queues,
the event recorder and the random streams. ``rollsim.cluster`` wires them together."""
