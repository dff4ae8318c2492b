"""Human-rights oversight (issue 14): use of force, reviews, complaints, early
intervention, the oversight desk."""
