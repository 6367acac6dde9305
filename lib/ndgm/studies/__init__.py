"""The paper's studies of convex and toy problems, one module per idea, numpy only: the step-size regimes of
Section 2 (`regimes`), the kinks of Sections 2 and 3 (`kinks`, `convergence`), the LASSO paradox of Section 4
(`lasso`, `sparsity`), the optimizer variants of Appendix B (`variants`) and the edge of stability of Section 5
(`stability`)."""
