// Start the GOV.UK Frontend components (accordions, character counts, ...) on every page.
import { initAll } from './govuk/govuk-frontend.min.js'

initAll()
