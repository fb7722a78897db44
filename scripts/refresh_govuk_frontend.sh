#!/usr/bin/env bash
# Refresh the compiled GOV.UK Frontend files drafter's web pages use, from the
# govuk-frontend npm package of the version the govuk-frontend-jinja macros
# target (see their README's compatibility table).
#
#   scripts/refresh_govuk_frontend.sh          # the version in drafter/web/static/govuk-frontend/VERSION
#   scripts/refresh_govuk_frontend.sh 6.3.0    # another version (update govuk-frontend-jinja to match)
#
# Needs npm and python3. The GDS Transport font is licensed only for
# service.gov.uk domains: its files are not copied and its @font-face rules are
# taken out of the CSS (drafter/web/static/drafter.css sets Arial instead).
set -euo pipefail
cd "$(dirname "$0")/.."
target=drafter/web/static/govuk-frontend
version=${1:-$(cat "$target/VERSION")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "govuk-frontend@${version}" >/dev/null && tar -xzf govuk-frontend-*.tgz)
dist="$work/package/dist/govuk"
[ -f "$dist/govuk-frontend.min.css" ] || {
  echo "govuk-frontend ${version} has no dist/govuk/govuk-frontend.min.css" >&2
  exit 1
}
rm -rf "$target"
mkdir -p "$target/assets"
python3 - "$dist/govuk-frontend.min.css" "$target/govuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
python3 - "$dist/govuk-frontend.min.js" "$target/govuk-frontend.min.js" <<'PY'
import re, sys
js = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(re.sub(r"//# sourceMappingURL=\S*\s*$", "", js))
PY
cp -r "$dist/assets/images" "$target/assets/images"
cp "$dist/assets/manifest.json" "$target/assets/manifest.json"
# The npm package has no licence file; its package.json says MIT. This is the
# licence as the GOV.UK Frontend repository states it.
cat > "$target/LICENCE.txt" <<'LICENCE'
GOV.UK Frontend (npm package govuk-frontend), compiled CSS, JavaScript and images.

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
echo "$version" > "$target/VERSION"
echo "GOV.UK Frontend ${version} copied into ${target}"
