module hashgrow/bench-go

go 1.19
