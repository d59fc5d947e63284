#!/usr/bin/env bash
# Re-fetches the Swagger UI files that the docs page serves from the binary's own resources
# (Sources/HTTPAdapter/Resources/swagger-ui/) and checks them against the pinned hashes.
#
# The files come unmodified from the PyPI package swagger-ui-bundle-v2, which ships the swagger-ui-dist build of
# the Swagger UI release with the same version number. The wheel's own SHA-256 is pinned as well, so a
# re-published file is refused before anything is unpacked.
#
#   scripts/vendor-swagger-ui.sh           fetch the pinned version, verify, and write the resource directory
#   scripts/vendor-swagger-ui.sh --check   verify the committed files against the pinned hashes only
#
# To upgrade: set VERSION and WHEEL_SHA256 to the new release (pip download --no-deps swagger-ui-bundle-v2==X
# and sha256sum the wheel), run with UPDATE_HASHES=1 once, update the version in NOTICE, review the diff (SHA256SUMS and the files), run the
# docs tests and scripts/checks/docs-browser.sh, and commit. The page's integrity attributes and the assets'
# versioned paths follow the new bytes by themselves.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERSION="5.31.0"
WHEEL_SHA256="ad8484399c8da2868db86080bcd89bd3209d8efb69159a2c0145766da8968112"
DEST="$PORTSIDE_ROOT/Sources/HTTPAdapter/Resources/swagger-ui"
# What is taken from the wheel: its path inside the wheel, then the name it gets here.
FILES=(
    "swagger_ui_bundle/vendor/swagger-ui-$VERSION/swagger-ui-bundle.js swagger-ui-bundle.js"
    "swagger_ui_bundle/vendor/swagger-ui-$VERSION/swagger-ui.css swagger-ui.css"
    "swagger_ui_bundle/vendor/swagger-ui-$VERSION/favicon-32x32.png favicon-32x32.png"
    "swagger_ui_bundle_v2-$VERSION.dist-info/licenses/LICENSE LICENSE"
)

verify() {
    (cd "$1" && sha256sum --quiet --check "$DEST/SHA256SUMS") || die "the files in $1 do not match $DEST/SHA256SUMS"
    grep -q "Swagger UI $VERSION" "$DEST/NOTICE" || die "$DEST/NOTICE does not name Swagger UI $VERSION"
}

if [ "${1:-}" = "--check" ]; then
    verify "$DEST"
    say "Swagger UI $VERSION in $DEST matches SHA256SUMS"
    exit 0
fi

command -v python3 >/dev/null 2>&1 || die "python3 is needed (for pip and zipfile)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say "downloading swagger-ui-bundle-v2==$VERSION from PyPI"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
    "swagger-ui-bundle-v2==$VERSION" -d "$work/wheel"
wheel="$work/wheel/swagger_ui_bundle_v2-$VERSION-py3-none-any.whl"
[ -f "$wheel" ] || die "pip did not leave $wheel"
echo "$WHEEL_SHA256  $wheel" | sha256sum --quiet --check || die "the wheel's SHA-256 is not the pinned $WHEEL_SHA256"

python3 -m zipfile -e "$wheel" "$work/unpacked"
mkdir -p "$work/files"
for entry in "${FILES[@]}"; do
    cp "$work/unpacked/${entry% *}" "$work/files/${entry#* }"
done

if [ "${UPDATE_HASHES:-0}" = "1" ]; then
    (cd "$work/files" && sha256sum swagger-ui-bundle.js swagger-ui.css favicon-32x32.png LICENSE) >"$DEST/SHA256SUMS"
    warn "SHA256SUMS rewritten for $VERSION: review it before committing"
fi
verify "$work/files"
mkdir -p "$DEST"
cp "$work/files/"* "$DEST/"
say "Swagger UI $VERSION written to $DEST and verified"
