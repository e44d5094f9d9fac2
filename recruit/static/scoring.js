// The page for an application's scores, a little faster where JavaScript runs: a criterion's own Save button saves
// it without leaving the page. The server answers as it does without JavaScript (the page shown again); its part for
// that criterion, and the table of criteria, replace the ones here, so the place on the page and what is typed in the
// other criteria stay as they are. Anything unexpected (a sign-in page, an error) falls back to posting the form.
import { initAll } from './govuk/govuk-frontend.min.js'

const form = document.getElementById('application-scores')
const status = document.getElementById('save-status')

function replace (current, answer) {
  if (!current || !answer) return null
  const fresh = document.importNode(answer, true)
  current.replaceWith(fresh)
  return fresh
}

async function saveAlone (button) {
  const code = button.value
  const response = await fetch(window.location.pathname + window.location.search, {
    method: 'POST',
    body: new FormData(form, button),
    credentials: 'same-origin'
  })
  if (!response.ok || response.redirected) throw new Error(`answered ${response.status}`)
  const page = new DOMParser().parseFromString(await response.text(), 'text/html')
  const section = replace(document.getElementById(`criterion-${code}`), page.getElementById(`criterion-${code}`))
  if (!section) throw new Error('the answer has no such criterion')
  replace(document.getElementById('criteria'), page.getElementById('criteria'))
  initAll({ scope: section })
  const problem = section.querySelector('.govuk-error-message')
  if (problem) {
    // The criterion's own messages are beside its fields: take focus to the first field in error.
    const field = problem.closest('.govuk-form-group').querySelector('input, textarea')
    if (field) field.focus()
    return
  }
  const banner = page.querySelector('.govuk-notification-banner__content')
  const message = banner ? banner.textContent.trim() : 'Saved.'
  const saved = document.createElement('p')
  saved.className = 'govuk-body govuk-!-font-weight-bold recruit-saved'
  saved.textContent = message
  section.querySelector('.recruit-scoring__score').append(saved)
  if (status) status.textContent = message
}

if (form && window.fetch && window.DOMParser) {
  form.addEventListener('submit', (event) => {
    const button = event.submitter
    if (!button || button.name !== 'save' || form.dataset.plainSubmit) return
    event.preventDefault()
    if (button.dataset.saving) return
    button.dataset.saving = 'true'
    saveAlone(button)
      .catch(() => {
        form.dataset.plainSubmit = 'true'
        form.requestSubmit(button)
      })
      .finally(() => { delete button.dataset.saving })
  })
}
