// Only enhances: every page works without JavaScript.
import { initAll } from "/static/govuk-frontend/govuk-frontend.min.js";

initAll();
