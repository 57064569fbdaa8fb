public enum SwitchyardVersion {
    public static let string = "0.1.0"
}
