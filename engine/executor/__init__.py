"""The worker runtime: what runs inside an executor, and the protocol it speaks with the driver.

A worker process (``worker.py``) or Ray actor (``ray_executor.py``) receives stage binaries
and task descriptions (``task.py``) over its channel (``channel.py``), runs each task
(``task_runner.py``) and answers with a ``TaskOutcome`` whose reason is one of
``task_end.py``'s closed set. Nothing here imports the scheduler.
"""
