-- Airflow's metadata lives in its own database beside the warehouse.
CREATE DATABASE airflow OWNER hadath;
