module hashgrow/swiss-bench-go

go 1.24
