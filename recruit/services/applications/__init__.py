"""Applications: the candidate's form and its submission or withdrawal, importing applications from CSV,
word counts, and what each page says about where an application stands."""
