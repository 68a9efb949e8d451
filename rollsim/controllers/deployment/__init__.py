"""The Deployment controller, split file for file as pkg/controller/deployment."""
