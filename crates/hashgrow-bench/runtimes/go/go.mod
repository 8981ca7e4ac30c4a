module hashgrow/runtime-go

// 1.19: the oldest toolchain that builds it (Debian's Go 1.19, the
// go-runtime-1.19 row); newer ones (Go 1.27, go-runtime-1.27) accept it.
go 1.19
