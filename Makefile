# The two commands of the README, and the benchmark.
.PHONY: demo test bench setup

demo: ## Serve the demo in mock mode at http://127.0.0.1:8080/
	@scripts/demo.sh

test: ## Run every test: lints, host, browser and end-to-end
	@scripts/test.sh

bench: ## Print bundle sizes and first-paint time next to a bare Leptos counter, and mock-server load figures
	@scripts/bench.sh

setup: ## Install the tools (also done by demo and test)
	@scripts/setup.sh test
