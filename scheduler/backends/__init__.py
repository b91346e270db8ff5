"""How the scheduler reaches executors: local worker processes, or inline in the driver."""
