# Counts how often each map-growth function runs (see go-breakpoints.go).
set pagination off
break runtime.growWork
break runtime.growWork_fast64
break runtime.evacuate_fast64
break runtime.hashGrow
ignore 1 1000000
ignore 2 1000000
ignore 3 1000000
ignore 4 1000000
run
info breakpoints
