// Recruit's script for every page: mark the page as JavaScript-enabled (what GOV.UK Frontend's
// inline snippet would do; the Content-Security-Policy allows no inline script) and
// start the GOV.UK Frontend components.
import { initAll } from './govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}
initAll()

// A form without an action posts back to the page's address, fragment included. After the skip link
// that is "#main-content", and the browser's move to that fragment on the answer page takes focus off
// the error summary GOV.UK Frontend has just focused. So such forms post to the address without it.
document.addEventListener('submit', (event) => {
  const form = event.target
  if (form instanceof HTMLFormElement && !form.hasAttribute('action') && window.location.hash) {
    form.setAttribute('action', window.location.pathname + window.location.search)
  }
})

// A report being prepared in the background: say how far it has got, and show the download once it is ready.
const reportStatus = document.querySelector('[data-status-url]')
const reportProgress = document.getElementById('report-progress')
if (reportStatus && reportProgress && !document.getElementById('report-download')) {
  const check = () => {
    fetch(reportStatus.dataset.statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((response) => response.json())
      .then((state) => {
        if (state.status === 'queued' || state.status === 'rendering') {
          reportProgress.textContent = `Being prepared: ${state.progress}% done.`
          window.setTimeout(check, 3000)
        } else {
          window.location.reload()
        }
      })
      .catch(() => window.setTimeout(check, 10000))
  }
  window.setTimeout(check, 3000)
}

// A table wider than the screen (on a phone, most of the admin's tables) scrolls inside its own box
// rather than making the whole page scroll sideways. The box is a named region that takes keyboard
// focus, so it can be scrolled without a mouse and a screen reader says what it holds.
const scrollBoxName = (table) => {
  const caption = table.querySelector('caption')
  if (caption && caption.textContent.trim()) return caption.textContent.trim()
  for (let node = table.previousElementSibling; node; node = node.previousElementSibling) {
    if (/^H[1-4]$/.test(node.tagName)) return node.textContent.trim()
  }
  return 'Table'
}
const fitTables = () => {
  for (const table of document.querySelectorAll('main table.govuk-table')) {
    let box = table.parentElement
    if (!box.classList.contains('recruit-table-scroll')) {
      box = document.createElement('div')
      box.className = 'recruit-table-scroll'
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', scrollBoxName(table))
      table.replaceWith(box)
      box.appendChild(table)
    }
    // Only a box that really scrolls takes a place in the tab order.
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute('tabindex', '0')
    } else {
      box.removeAttribute('tabindex')
    }
  }
}
fitTables()
window.addEventListener('resize', fitTables)
