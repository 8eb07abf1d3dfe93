module re2check

go 1.19
