; Included by electron-builder's NSIS installer (electron-builder.yml: nsis.include).
; The app registers its sign-in redirect scheme per user at run time (Electron's
; app.setAsDefaultProtocolClient writes HKCU\Software\Classes\<scheme>). Uninstalling removes it, so
; a browser no longer offers to open a program that is gone. An update runs the old uninstaller with
; --updated: keep the registration then, the new version uses the same scheme.
!macro customUnInstall
  ${ifNot} ${isUpdated}
    DeleteRegKey HKCU "Software\Classes\com.pkcepilot.app"
  ${endIf}
!macroend
