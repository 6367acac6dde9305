"""How the book shows results: static figures (`plots`), the declarative explorers of the built book
(`explorer`, `explorers`), the live widgets of a running notebook (`widgets`) and the CSV files behind each
figure (`figdata`). Needs matplotlib; `widgets` also needs ipywidgets."""
