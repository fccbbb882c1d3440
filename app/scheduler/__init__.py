"""The scheduler process (``flask scheduler run``): APScheduler triggering sweeps over due
rows, and a heartbeat so staff can see when it stops. Never started by the web app."""
