"""Jobs, stages and tasks: the DAG scheduler, task sets, backends and the listener bus."""
