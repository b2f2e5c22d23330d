// Package ui is the Fyne interface of Fapiao Scanner: the theme with the bundled
// Chinese font, the interface translations and the screens. It never imports
// fyne.io/fyne/v2/app, so its tests run on Fyne's headless test driver.
package ui
