// Recruit's only script: mark the page as JavaScript-enabled (what GOV.UK Frontend's
// inline snippet would do; the Content-Security-Policy allows no inline script) and
// start the GOV.UK Frontend components.
import { initAll } from './govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}
initAll()
